/** `--profile`: the server's .cpuprofile (node --cpu-prof) summed up: self time per function and per package. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: CpuNode[];
  samples: number[];
  timeDeltas: number[];
}

function packageOf(url: string): string {
  const m = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith("node:")) return "node (core)";
  if (url.includes("/gateway/src/")) return `gateway/${url.split("/gateway/src/")[1]!.split("/")[0]}`;
  if (url.includes("/broker/src/")) return "broker";
  if (url.includes("/shared/src/")) return "shared";
  return url ? "other" : "(native, GC, idle)";
}

export function summarizeProfiles(dir: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  const out: string[] = [];
  for (const f of files) {
    const p = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as CpuProfile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    const pkg = new Map<string, number>();
    let total = 0;
    p.samples.forEach((id, i) => {
      const dt = (p.timeDeltas[i] ?? 0) / 1000;
      const n = byId.get(id);
      if (!n) return;
      const name = n.callFrame.functionName || "(anonymous)";
      if (name === "(idle)") return;
      total += dt;
      const where = n.callFrame.url ? `${path.basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : "";
      const key = `${name} ${where}`.trim();
      self.set(key, (self.get(key) ?? 0) + dt);
      const pk = name.startsWith("(") ? name : packageOf(n.callFrame.url);
      pkg.set(pk, (pkg.get(pk) ?? 0) + dt);
    });
    const top = (m: Map<string, number>, k: number) =>
      [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, ms]) => `| ${name} | ${Math.round(ms).toLocaleString("en-US")} | ${((ms / total) * 100).toFixed(1)} % |`);
    out.push(`Server profile ${path.join(dir, f)}: ${Math.round(total).toLocaleString("en-US")} ms on the main thread (idle excluded)`, "", "| package | self ms | share |", "|---|---:|---:|", ...top(pkg, 15), "", "| function | self ms | share |", "|---|---:|---:|", ...top(self, 25), "");
  }
  return out.join("\n");
}
