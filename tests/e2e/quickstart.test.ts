/**
 * The README's quick start works on a fresh clone. Clones this repository's HEAD into a
 * temp dir, runs the first command (`bash scripts/start.sh`, on free ports), presses the demo
 * button the banner suggests, and stops it with SIGTERM. (The second command is what CI runs.)
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "hk-clone-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("scripts/start.sh on a fresh clone starts everything, a demo press is acked, SIGTERM stops it cleanly", async () => {
  execFileSync("git", ["clone", "--quiet", repo, dir]);
  const env = { ...process.env, HK_HTTP_PORT: "0", HK_MQTT_PORT: "0", HK_LOG_LEVEL: "warn" };
  const child = spawn("bash", ["scripts/start.sh"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  const stderr: string[] = [];
  child.stderr!.on("data", (d) => stderr.push(String(d)));
  try {
    const ready = await new Promise<{ http: string; mqtt: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready: ${stderr.join("").slice(-2000)}`)), 280_000);
      createInterface({ input: child.stdout! }).on("line", (l) => {
        if (l.startsWith('{"msg":"ready"')) {
          clearTimeout(timer);
          resolve(JSON.parse(l));
        }
      });
      child.once("exit", (code) => reject(new Error(`start.sh exited ${code}: ${stderr.join("").slice(-2000)}`)));
    });
    const banner = stderr.join("");
    expect(banner).toContain("admin token:        hk_");
    const cmd = /pnpm press (--credentials \S+ --url \S+)/.exec(banner);
    expect(cmd).not.toBeNull();
    const out = execFileSync("pnpm", ["press", ...cmd![1]!.split(" ")], { cwd: dir, env, encoding: "utf8", timeout: 60_000 });
    expect(out).toMatch(/ack received/);
    expect((await fetch(`${ready.http}/healthz`)).status).toBe(200);
    const alerts = await (await fetch(`${ready.http}/api/alerts`, { headers: { authorization: `Bearer ${/admin token:\s+(\S+)/.exec(banner)![1]}` } })).json();
    expect(alerts).toHaveLength(1);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exit = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
      child.kill("SIGTERM");
      expect(await exit).toBe(0);
    }
  }
}, 300_000);
