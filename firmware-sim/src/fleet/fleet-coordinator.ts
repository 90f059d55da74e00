/**
 * `pnpm sim fleet`'s coordinator: the fleet split over workers (in this process for a small fleet,
 * forked children for a big one, each child on its own 127.0.0.x source address when the broker is
 * on this machine), then connect → run the scenario → collect every acting device's report → stop.
 * Live numbers go to `onLive` every second.
 */
import { fork, type ChildProcess } from "node:child_process";
import { isIPv4 } from "node:net";
import { fileURLToPath } from "node:url";
import { alertCounts, Latencies, sumCounters, type AlertCounts } from "./fleet-stats";
import { FleetWorker } from "./fleet-worker";
import type { DeviceCredentials } from "./scenario-device";
import { scenarios } from "./scenarios";
import type { Check, DeviceReport, ScenarioName, ScenarioOptions } from "./scenarios/scenario";
import { emptyCounters, type FromWorker, type ToWorker, type WorkerCounters } from "./worker-protocol";

export interface FleetPlan {
  devices: DeviceCredentials[];
  host: string;
  port: number;
  /** Forked workers; 0 runs the fleet in this process. */
  processes: number;
  keepaliveS: number;
  /** New connections a second, over the whole fleet. */
  connectRate: number;
  connectTimeoutS: number;
  scenario: ScenarioName;
  /** How many devices act (the first ones). */
  acting: number;
  options: ScenarioOptions;
  /** How long the run waits, after acting, for every ack (and what else the scenario waits for). */
  settleS: number;
}

export interface FleetLive {
  phase: "connecting" | "running";
  elapsedS: number;
  counters: WorkerCounters;
  p50: number | null;
  p99: number | null;
}

export interface LatencySummary {
  count: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

export type FleetOutcome =
  | { type: "done"; counters: WorkerCounters; ackMs: LatencySummary; reports: DeviceReport[]; checks: Check[]; alerts: AlertCounts; aborted: boolean }
  /** The broker refused devices (wrong id or secret); the first few named. */
  | { type: "refused"; counters: WorkerCounters; refused: { id: string; code: number }[] }
  /** Not every device connected within the connect timeout. */
  | { type: "unreachable"; counters: WorkerCounters };

interface WorkerLink {
  send(m: ToWorker): void;
  onMessage(f: (m: FromWorker) => void): void;
  /** Resolves once the worker has stopped (a child: has exited). */
  closed: Promise<void>;
  kill(): void;
}

/** A worker on this event loop; messages are delivered on a later turn, as over IPC. */
function localWorker(): WorkerLink {
  const listeners: ((m: FromWorker) => void)[] = [];
  let stopped: () => void = () => undefined;
  const closed = new Promise<void>((r) => (stopped = r));
  const w = new FleetWorker((m) => setImmediate(() => {
    for (const f of listeners) f(m);
    if (m.t === "stopped") stopped();
  }));
  return { send: (m) => setImmediate(() => w.handle(m)), onMessage: (f) => void listeners.push(f), closed, kill: () => w.stop() };
}

/** How this process was started under tsx: the child needs the same loader for its TypeScript. */
function tsxArgv(): string[] {
  return process.execArgv.some((a) => a.includes("tsx")) ? process.execArgv : ["--import", "tsx"];
}

function childWorker(onCrash: (err: Error) => void): WorkerLink {
  const cp: ChildProcess = fork(fileURLToPath(new URL("./fleet-child.ts", import.meta.url)), [], { execArgv: tsxArgv(), stdio: ["ignore", "inherit", "inherit", "ipc"] });
  let stopping = false;
  const closed = new Promise<void>((resolve) => cp.once("exit", (code, signal) => {
    if (!stopping) onCrash(new Error(`a fleet process (pid ${cp.pid}) exited with ${signal ?? code}`));
    resolve();
  }));
  return {
    send: (m) => {
      if (m.t === "stop") stopping = true;
      if (cp.connected) cp.send(m);
    },
    onMessage: (f) => void cp.on("message", (m) => f(m as FromWorker)),
    closed,
    kill: () => {
      stopping = true;
      cp.kill("SIGKILL");
    },
  };
}

/** Linux routes all of 127/8 to the loopback: each forked worker gets its own source address there. */
function sourceAddress(host: string, k: number, processes: number): string | undefined {
  if (processes === 0 || process.platform !== "linux" || !isIPv4(host) || !host.startsWith("127.")) return undefined;
  return `127.0.0.${2 + k}`;
}

export async function runFleet(plan: FleetPlan, o: { onLive(l: FleetLive): void; signal: AbortSignal }): Promise<FleetOutcome> {
  const n = plan.devices.length;
  const count = plan.processes === 0 ? 1 : Math.min(plan.processes, n);
  const per = Math.ceil(n / count);
  let crash: Error | null = null;
  const links: WorkerLink[] = [];
  const counters: WorkerCounters[] = [];
  const latencies = new Latencies();
  const reports: DeviceReport[] = [];
  const refused: { id: string; code: number }[] = [];
  let reportsLeft = 0;
  let wake: () => void = () => undefined;
  const changed = () => wake();
  /** Resolves true once `test` holds, false after `ms` (or at once on Ctrl-C when `abortable`). */
  const until = (test: () => boolean, ms: number, abortable = true) => new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => done(false), ms);
    const done = (v: boolean) => {
      clearTimeout(timer);
      o.signal.removeEventListener("abort", onAbort);
      wake = () => undefined;
      resolve(v);
    };
    const onAbort = () => done(false);
    if (abortable) o.signal.addEventListener("abort", onAbort);
    wake = () => void (test() && done(true));
    if (test()) done(true);
    else if (abortable && o.signal.aborted) done(false);
  });

  for (let k = 0; k * per < n; k++) {
    const link = plan.processes === 0 ? localWorker() : childWorker((err) => ((crash = err), changed()));
    counters.push(emptyCounters());
    link.onMessage((m) => {
      if (m.t === "counters") {
        counters[k] = m.c;
        latencies.add(m.ackMs);
      } else if (m.t === "refused") refused.push({ id: m.id, code: m.code });
      else if (m.t === "reports") {
        reports.push(...m.reports);
        if (m.last) reportsLeft--;
      }
      changed();
    });
    links.push(link);
  }
  const total = () => sumCounters(counters);
  const started = performance.now();
  let phase: FleetLive["phase"] = "connecting";
  const live = setInterval(() => o.onLive({ phase, elapsedS: (performance.now() - started) / 1000, counters: total(), p50: latencies.percentile(50), p99: latencies.percentile(99) }), 1000);
  const stopAll = async () => {
    clearInterval(live);
    for (const l of links) l.send({ t: "stop" });
    const timer = setTimeout(() => links.forEach((l) => l.kill()), 5_000);
    await Promise.all(links.map((l) => l.closed));
    clearTimeout(timer);
  };
  try {
    let initialized = 0;
    links.forEach((l, k) => {
      l.onMessage((m) => void (m.t === "initialized" && initialized++));
      const from = k * per;
      l.send({
        t: "init", devices: plan.devices.slice(from, from + per), firstIndex: from, keepaliveS: plan.keepaliveS, seqFrom: Date.now(),
        endpoint: { host: plan.host, port: plan.port, localAddress: sourceAddress(plan.host, k, plan.processes) },
      });
    });
    if (!(await until(() => crash !== null || initialized === links.length, 60_000))) throw crash ?? new Error("the fleet's workers did not start within 60 s");
    if (crash) throw crash;

    for (const l of links) l.send({ t: "connect", perSecond: plan.connectRate / links.length });
    await until(() => crash !== null || total().everReady + total().refused >= n, plan.connectTimeoutS * 1000);
    if (crash) throw crash;
    if (o.signal.aborted) return { type: "done", counters: total(), reports, aborted: true, ackMs: { count: 0, p50: null, p99: null, max: null }, checks: [], alerts: alertCounts([]) };
    if (total().refused > 0) return { type: "refused", counters: total(), refused };
    if (total().everReady < n) return { type: "unreachable", counters: total() };

    phase = "running";
    reportsLeft = links.length;
    links.forEach((l, k) => {
      const acting = Math.max(0, Math.min(per, plan.acting - k * per, n - k * per));
      l.send({ t: "run", scenario: plan.scenario, acting, options: plan.options, settleMs: plan.settleS * 1000 });
    });
    // the workers end their run by themselves (settled, or out of time); a Ctrl-C only hurries them
    const onAbort = () => links.forEach((l) => l.send({ t: "abort" }));
    o.signal.addEventListener("abort", onAbort, { once: true });
    const runMs = (plan.options.seconds + plan.settleS + 60) * 1000;
    const reported = await until(() => crash !== null || reportsLeft === 0, runMs, false);
    o.signal.removeEventListener("abort", onAbort);
    if (!reported && !crash) throw new Error(`the fleet's workers did not report within ${Math.round(runMs / 1000)} s`);
    if (crash) throw crash;
    reports.sort((a, b) => a.index - b.index);
    return {
      type: "done", counters: total(), reports, aborted: o.signal.aborted,
      ackMs: { count: latencies.count, p50: latencies.percentile(50), p99: latencies.percentile(99), max: latencies.percentile(100) },
      checks: scenarios[plan.scenario].checks(reports, plan.options), alerts: alertCounts(reports),
    };
  } finally {
    await stopAll();
  }
}
