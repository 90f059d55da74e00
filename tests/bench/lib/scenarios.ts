/**
 * The measured phases, the same for Mosquitto and for helpkey: connect storm, quiet presses,
 * a sustained rate, a storm. Each returns raw times; analysis.ts turns them into the table.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { FleetEndpoint } from "@helpkey/firmware-sim/fleet/protocol";
import { hrNow } from "@helpkey/firmware-sim/fleet/light-device";
import type { FleetPool, Press } from "./fleets";
import type { Live } from "./live";
import { cpuPercent, sampleProc, type ProcSample } from "./proc-stats";
import type { ConsoleSample, HopSample } from "../observer-process";
import type { PhoneSample } from "../phone-process";

export interface Eld {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Garbage-collection pauses of one thread in a phase: how many, their total and the longest, ms. */
export interface GcPauses {
  count: number;
  totalMs: number;
  maxMs: number;
}

export interface Resources {
  wallS: number;
  /** % of one core; 200 % = both cores */
  cpuPct: number;
  rssEndMB: number;
  rssPeakMB: number;
  eld: Eld | null;
  /** the broker thread's event-loop delay (helpkey with its broker on a thread) */
  brokerEld?: Eld | null;
  /** garbage-collection pauses (helpkey): the gateway's main thread and the broker thread */
  gc?: { gateway: GcPauses | null; broker: GcPauses | null };
  /** group fsyncs of the WAL in the phase (helpkey): count and mean duration */
  fsyncs?: { count: number; meanMs: number };
  /** helpkey's own share of a press's ack, mean ms from the press's arrival at the gateway to its commit and to its fsync */
  press?: { committedMs: number; durableMs: number; /** share of presses whose arrival → on disk took over 20 ms (histogram bucket) */ durableOver20msPct?: number };
  fleetCpuPct: number;
  /** the phone-network emulator and the console observer together, % of one core */
  helperCpuPct?: number;
}

/** What is measured: a process by pid, and (helpkey) its event-loop delay window. */
export interface Target {
  name: string;
  pid(): number;
  /** A /metrics scrape; it also starts a new event-loop window. */
  metrics?(): Promise<Map<string, number>>;
  /** The bench's other processes on the same cores (phone network, console observer): their CPU is reported too. */
  helpers?(): number[];
}

function eldFrom(m: Map<string, number> | undefined, metric = "hk_event_loop_delay_seconds"): Eld | null {
  const v = (stat: string) => (m?.get(`${metric}{stat="${stat}"}`) ?? NaN) * 1000;
  return Number.isFinite(v("p99")) ? { p50: v("p50"), p99: v("p99"), max: v("max"), mean: v("mean") } : null;
}

function gcFrom(m: Map<string, number> | undefined, metric: string): GcPauses | null {
  const v = (stat: string) => m?.get(`${metric}{stat="${stat}"}`) ?? NaN;
  return Number.isFinite(v("count")) ? { count: v("count"), totalMs: v("total") * 1000, maxMs: v("max") * 1000 } : null;
}

/** Everything the observers report, on the coordinator's clock. */
export class Observations {
  console: ConsoleSample[] = [];
  hops: HopSample[] = [];
  phone: PhoneSample[] = [];
  frames: Record<string, number> = {};
  hopCount = 0;
  sms = 0;
  calls = 0;
}

export async function waitUntil(cond: () => boolean, timeoutMs: number, pollMs = 20): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > end) return false;
    await sleep(pollMs);
  }
  return true;
}

/** A /metrics scrape that a busy or restarting server may refuse: the phase then has no server-side figures. */
async function scrape(target: Target): Promise<Map<string, number> | undefined> {
  try {
    return await target.metrics?.();
  } catch (err) {
    process.stderr.write(`  (metrics scrape failed: ${(err as Error).message}; this phase has no event-loop or fsync figures)\n`);
    return undefined;
  }
}

/** Runs `fn` while sampling the target's CPU/RSS and the fleets' CPU. */
export async function measured<T>(target: Target, fleets: FleetPool, fn: () => Promise<T>): Promise<{ result: T; res: Resources }> {
  const m0 = await scrape(target); // starts a fresh event-loop window
  const a = sampleProc(target.pid());
  const fa = fleets.sum().cpuMs;
  const helperCpuMs = () => (target.helpers?.() ?? []).reduce((sum, pid) => sum + (sampleProc(pid)?.cpuMs ?? 0), 0);
  const ha = helperCpuMs();
  const t0 = performance.now();
  let peak = a?.rssBytes ?? 0;
  const peakTimer = setInterval(() => {
    const s = sampleProc(target.pid());
    if (s) peak = Math.max(peak, s.rssBytes);
  }, 1000);
  try {
    const result = await fn();
    const b = sampleProc(target.pid());
    const m1 = await scrape(target);
    const eld = eldFrom(m1);
    // a restarted server is a new process: its counters start from zero
    const delta = (name: string) => (m1?.get(name) ?? 0) - (a && b && a.pid === b.pid ? m0?.get(name) ?? 0 : 0);
    const meanMs = (histogram: string) => {
      const n = delta(`${histogram}_count`);
      return n ? (delta(`${histogram}_sum`) / n) * 1000 : NaN;
    };
    const fsyncCount = delta("hk_wal_fsync_seconds_count");
    const over20ms = () => {
      const n = delta("hk_ingest_durable_seconds_count");
      return n ? ((n - delta('hk_ingest_durable_seconds_bucket{le="0.02"}')) / n) * 100 : NaN;
    };
    const wall = performance.now() - t0;
    const hb = helperCpuMs();
    // the fleets report CPU every 500 ms: wait for a report that covers the end
    await sleep(600);
    const fb = fleets.sum().cpuMs;
    return {
      result,
      res: {
        wallS: wall / 1000,
        // a restarted server is a new process: count its CPU from its own start
        cpuPct: a && b ? (a.pid === b.pid ? cpuPercent(a, b) : (b.cpuMs / wall) * 100) : NaN,
        rssEndMB: (b?.rssBytes ?? 0) / 2 ** 20,
        rssPeakMB: Math.max(peak, b?.rssBytes ?? 0) / 2 ** 20,
        eld,
        ...(m1 ? { brokerEld: eldFrom(m1, "hk_broker_event_loop_delay_seconds") } : {}),
        ...(m1 ? { gc: { gateway: gcFrom(m1, "hk_gc_pause_seconds"), broker: gcFrom(m1, "hk_broker_gc_pause_seconds") } } : {}),
        ...(m1 ? { fsyncs: { count: fsyncCount, meanMs: meanMs("hk_wal_fsync_seconds") } } : {}),
        ...(m1 ? { press: { committedMs: meanMs("hk_ingest_commit_seconds"), durableMs: meanMs("hk_ingest_durable_seconds"), durableOver20msPct: over20ms() } } : {}),
        fleetCpuPct: ((fb - fa) / (wall + 600)) * 100,
        ...(target.helpers ? { helperCpuPct: ((hb - ha) / wall) * 100 } : {}),
      },
    };
  } finally {
    clearInterval(peakTimer);
  }
}

export interface ConnectResult {
  devices: number;
  connected: number;
  /** ms from the start until 50 % / 99 % / all devices were connected and subscribed */
  p50Ms: number;
  p99Ms: number;
  allMs: number;
  refused: number;
}

/** Every device connects (starts spread over `spreadMs`); done when all are ready or at the timeout. */
export async function connectStorm(fleets: FleetPool, live: Live, endpoint: FleetEndpoint | null, spreadMs: number, timeoutMs: number, since?: number): Promise<ConnectResult> {
  const t0 = since ?? hrNow();
  const refused0 = fleets.sum().refused;
  if (endpoint) fleets.connect(endpoint, spreadMs);
  const back = () => {
    let n = 0;
    for (const at of fleets.readyAt.values()) if (at >= t0) n++;
    return n;
  };
  await waitUntil(() => back() >= fleets.total, timeoutMs, 50);
  const times = [...fleets.readyAt.values()].filter((at) => at >= t0).map((at) => at - t0).sort((x, y) => x - y);
  const q = (f: number) => (times.length ? times[Math.min(times.length - 1, Math.ceil(f * fleets.total) - 1)] ?? NaN : NaN);
  if (times.length < fleets.total) live.log(`  only ${times.length}/${fleets.total} devices connected within ${timeoutMs / 1000} s`);
  return {
    devices: fleets.total,
    connected: times.length,
    p50Ms: q(0.5),
    p99Ms: times.length >= Math.ceil(0.99 * fleets.total) ? q(0.99) : NaN,
    allMs: times.length === fleets.total ? times[times.length - 1]! : NaN,
    refused: fleets.sum().refused - refused0,
  };
}

export interface PhaseWindow {
  from: number;
  to: number;
  presses: Press[];
}

/**
 * One press at a time: the next only after this one's ack and observations arrived (or 10 s).
 * `observed(p)` says whether the other observers have seen it.
 */
export async function quietPresses(fleets: FleetPool, n: number, gapMs: number, observed: (p: Press) => boolean, settled?: (p: Press) => boolean): Promise<PhaseWindow> {
  const from = hrNow();
  const step = Math.max(1, Math.floor(fleets.total / n));
  for (let i = 0; i < n; i++) {
    const index = (i * step + 7) % fleets.total;
    const before = hrNow();
    fleets.press(index);
    let press: Press | undefined;
    await waitUntil(() => {
      press ??= [...fleets.presses.values()].find((p) => p.index === index && p.at >= before);
      return Boolean(press && press.ackAt !== undefined && observed(press));
    }, 10_000, 1);
    // quiet: the alarm's call is answered and claimed (its contact presses 1), and its last texts
    // and callbacks are over, before the next press. A claim that does not come holds nothing up.
    const pressed = press;
    if (settled && pressed) await waitUntil(() => settled(pressed), 5_000, 1);
    await sleep(gapMs);
  }
  const to = hrNow();
  return { from, to, presses: fleets.pressesBetween(from, to) };
}

/** Presses at `rate` per second for `seconds`, then up to `drainMs` for the last acks. */
export async function sustained(fleets: FleetPool, rate: number, seconds: number, drainMs: number): Promise<PhaseWindow & { drainedMs: number }> {
  const from = hrNow();
  await fleets.rate(rate, seconds * 1000);
  return drain(fleets, from, drainMs);
}

/** Waits for the fleets' last samples (batched every 200 ms), then up to `drainMs` for every ack. */
async function drain(fleets: FleetPool, from: number, drainMs: number): Promise<PhaseWindow & { drainedMs: number }> {
  const to = hrNow();
  const t = performance.now();
  await sleep(400);
  await waitUntil(() => fleets.pressesBetween(from, to).every((p) => p.ackAt !== undefined), drainMs, 100);
  return { from, to, presses: fleets.pressesBetween(from, to), drainedMs: performance.now() - t };
}

/** Every device presses once within `seconds`, then up to `drainMs` for the last acks. */
export async function storm(fleets: FleetPool, seconds: number, drainMs: number): Promise<PhaseWindow & { drainedMs: number }> {
  const from = hrNow();
  await fleets.storm(seconds * 1000);
  return drain(fleets, from, drainMs);
}

export function procNow(pid: number): ProcSample | null {
  return sampleProc(pid);
}
