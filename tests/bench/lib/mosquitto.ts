/**
 * The peer in the same run: a bare Mosquitto on a free port with a generated config,
 * installed from Debian's package when missing. It measures the plain pub → sub hop with the
 * same device clients and payloads, so our latencies can be read as multiples of it.
 */
import { execFileSync } from "node:child_process";
import { accessSync, constants, mkdirSync, openSync, closeSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { spawnTracked, stopChild } from "./procs";

function which(cmd: string): string | null {
  for (const dir of ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", ...(process.env.PATH ?? "").split(":")]) {
    try {
      accessSync(path.join(dir, cmd), constants.X_OK);
      return path.join(dir, cmd);
    } catch {
      /* not here */
    }
  }
  return null;
}

/** The mosquitto binary, installing the Debian package when it is missing (needs root, as on these machines). */
export function ensureMosquitto(log: (s: string) => void): string {
  const found = which("mosquitto");
  if (found) return found;
  log("mosquitto is missing: apt-get install -y mosquitto …");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () => execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "mosquitto"], { stdio: ["ignore", "ignore", "inherit"], env });
  try {
    install();
  } catch {
    execFileSync("apt-get", ["update"], { stdio: ["ignore", "ignore", "inherit"], env });
    install();
  }
  const bin = which("mosquitto");
  if (!bin) throw new Error("mosquitto is still missing after apt-get install; install it by hand or run with --no-peer");
  return bin;
}

export interface RunningMosquitto {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export async function startMosquitto(bin: string, dir: string, port: number, logFile: string): Promise<RunningMosquitto> {
  mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, "mosquitto.conf");
  writeFileSync(conf, [
    `listener ${port} 127.0.0.1`,
    "allow_anonymous true",
    "persistence false",
    "max_connections -1",
    // Nagle off, as on our broker's listener: compare like with like
    "set_tcp_nodelay true",
    "max_queued_messages 1000",
    "log_dest stderr",
    "log_type error",
    "log_type warning",
    "",
  ].join("\n"));
  const fd = openSync(logFile, "a");
  const cp = spawnTracked(bin, ["-c", conf], { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  for (let i = 0; i < 100; i++) {
    if (cp.exitCode !== null) throw new Error(`mosquitto exited with ${cp.exitCode}; see ${logFile}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: "127.0.0.1", port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return { url: `mqtt://127.0.0.1:${port}`, port, pid: cp.pid!, stop: () => stopChild(cp, 5_000) };
    await sleep(50);
  }
  await stopChild(cp);
  throw new Error(`mosquitto did not listen on ${port}; see ${logFile}`);
}
