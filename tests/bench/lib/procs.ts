/**
 * Every process the bench starts is registered here and stopped on every way out: normal end,
 * error, Ctrl-C, SIGTERM. Children are stopped by their own pid, never by name.
 */
import { fork, spawn, type ChildProcess, type ForkOptions, type SpawnOptions } from "node:child_process";

const children = new Set<ChildProcess>();
const cleanups: (() => void)[] = [];

export function track<T extends ChildProcess>(cp: T): T {
  children.add(cp);
  cp.once("exit", () => children.delete(cp));
  return cp;
}

export function forkTs(file: string, args: string[] = [], opts: ForkOptions = {}): ChildProcess {
  return track(fork(file, args, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"], ...opts }));
}

export function spawnTracked(cmd: string, args: string[], opts: SpawnOptions): ChildProcess {
  return track(spawn(cmd, args, opts));
}

/** Synchronous last-resort cleanup (also runs on process exit). */
export function onCleanup(fn: () => void): void {
  cleanups.push(fn);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export function stopChild(cp: ChildProcess, graceMs = 10_000): Promise<void> {
  if (cp.exitCode !== null || cp.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => cp.kill("SIGKILL"), graceMs);
    cp.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    cp.kill("SIGTERM");
  });
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c, 5_000)));
  runCleanups();
}

function runCleanups(): void {
  for (const fn of cleanups.splice(0)) {
    try {
      fn();
    } catch {
      /* best effort on the way out */
    }
  }
}

function killAllNow(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  runCleanups();
}

let interrupted = false;
export function installSignalHandlers(onInterrupt: () => void): void {
  const handler = (sig: NodeJS.Signals) => {
    if (interrupted) {
      killAllNow();
      process.exit(130);
    }
    interrupted = true;
    process.stderr.write(`\n${sig}: stopping every process the bench started…\n`);
    onInterrupt();
    void stopAll().finally(() => process.exit(130));
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  process.on("exit", killAllNow);
}
