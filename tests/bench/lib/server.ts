/**
 * The system under test as its own process (`node --import tsx gateway/src/main.ts`), so its CPU and
 * RSS are its own: configured by environment only, like any deployment.
 */
import type { ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { spawnTracked, stopChild } from "./procs";
import { sampleProc, type ProcSample } from "./proc-stats";

export interface ServerOptions {
  root: string;
  dataDir: string;
  logFile: string;
  httpPort: number;
  mqttPort: number;
  adminToken: string;
  env: Record<string, string>;
  /** Directory for `node --cpu-prof` output; unset: no profile. */
  cpuProfDir?: string | undefined;
}

export interface RunningServer {
  pid: number;
  httpUrl: string;
  mqttUrl: string;
  startedAt: number;
  readyAt: number;
  proc(): ProcSample | null;
  metrics(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (so that a restarted server keeps its address). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const fd = openSync(o.logFile, "a");
  const startOffset = (() => {
    try {
      return readFileSync(o.logFile).length;
    } catch {
      return 0;
    }
  })();
  const nodeArgs = ["--import", "tsx", ...(o.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${o.cpuProfDir}`] : []), path.join(o.root, "gateway/src/main.ts")];
  const startedAt = performance.now();
  const cp: ChildProcess = spawnTracked(process.execPath, nodeArgs, {
    cwd: o.root,
    stdio: ["ignore", fd, fd],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      HK_HOST: "127.0.0.1",
      HK_HTTP_PORT: String(o.httpPort),
      HK_MQTT_PORT: String(o.mqttPort),
      HK_DATA_DIR: o.dataDir,
      HK_DEMO: "0",
      HK_ADMIN_TOKEN: o.adminToken,
      ...o.env,
    },
  });
  closeSync(fd);
  const ready = await new Promise<{ http: string; mqtt: string }>((resolve, reject) => {
    const timer = setInterval(() => {
      const text = readFileSync(o.logFile, "utf8").slice(startOffset);
      const line = text.split("\n").find((l) => l.startsWith('{"msg":"ready"'));
      if (line) {
        clearInterval(timer);
        resolve(JSON.parse(line) as { http: string; mqtt: string });
      }
    }, 20);
    cp.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`server exited with ${code} before it was ready; see ${o.logFile}`));
    });
  });
  const readyAt = performance.now();
  return {
    pid: cp.pid!,
    httpUrl: ready.http,
    mqttUrl: ready.mqtt,
    startedAt,
    readyAt,
    proc: () => sampleProc(cp.pid!),
    metrics: () => scrapeMetrics(ready.http),
    stop: () => stopChild(cp, 60_000),
  };
}

/** Prometheus text → `name{labels}` → value (labels as written). */
export async function scrapeMetrics(httpUrl: string): Promise<Map<string, number>> {
  const res = await fetch(`${httpUrl}/metrics`);
  const text = await res.text();
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}
