/**
 * The gateway as a process of its own (`node --import tsx gateway/src/main.ts`), as a service
 * manager runs it: for tests of how it starts, stops and dies. Fixed ports, so that a restarted
 * process is found where its devices left it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { testConfig } from "./config";

export { freePort } from "../bench/lib/server";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface GatewayProcess {
  child: ChildProcess;
  http: string;
  mqtt: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** SIGTERM, and the exit. */
  stop(): Promise<number | string>;
}

export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "gateway/src/main.ts"], { cwd: root, env: { ...testConfig.childBaseEnv, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const out: string[] = [];
  child.stderr!.on("data", (d) => out.push(String(d)));
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  const ready = await new Promise<{ http: string; mqtt: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway not ready: ${out.join("").slice(-2000)}`)), 60_000);
    createInterface({ input: child.stdout! }).on("line", (l) => {
      out.push(`${l}\n`);
      if (l.startsWith('{"msg":"ready"')) {
        clearTimeout(timer);
        resolve(JSON.parse(l) as { http: string; mqtt: string });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited (${code}) before it was ready: ${out.join("").slice(-2000)}`));
    });
  });
  return {
    child, ...ready, exited, output: () => out.join(""),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
