/** Runs the gateway as its own process (`tsx gateway/src/main.ts`), for crash and restart tests. */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface GatewayProcess {
  http: string;
  mqtt: string;
  child: ChildProcess;
  stderr: string[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** The child inherits this process's environment (PATH, HOME) plus the gateway's settings. */
export async function spawnGateway(env: Record<string, string>, timeoutMs = 20_000): Promise<GatewayProcess> {
  const { env: inherited } = process;
  const child = spawn(process.execPath, ["--import", "tsx", "gateway/src/main.ts"], { cwd: ROOT, env: { ...inherited, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const stderr: string[] = [];
  child.stderr!.on("data", (d) => stderr.push(String(d)));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const ready = await new Promise<{ http: string; mqtt: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway not ready in ${timeoutMs} ms: ${stderr.join("")}`)), timeoutMs);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (!line.startsWith('{"msg":"ready"')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}: ${stderr.join("")}`));
    });
  });
  return {
    ...ready, child, stderr,
    kill: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
