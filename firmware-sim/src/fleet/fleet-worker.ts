/**
 * One worker of `pnpm sim fleet`: its share of the devices, two tickers for all of them
 * (retransmissions and keepalive, instead of timers per device), the scenario run on its acting
 * devices, and the counters and reports sent to the coordinator. Transport-free: the coordinator
 * runs it in its own process, or fleet-child.ts runs it behind IPC.
 */
import { hrNow, ScenarioDevice, type PressRecord, type ScenarioDeviceHooks } from "./scenario-device";
import { scenarios } from "./scenarios";
import type { DeviceReport, ScenarioRun } from "./scenarios/scenario";
import { emptyCounters, type FromWorker, type ToWorker, type WorkerEndpoint } from "./worker-protocol";

/** Refused devices named to the coordinator one by one; the rest are only counted. */
const REFUSALS_NAMED = 5;
const REPORT_CHUNK = 1_000;
/** How often a run that waits for its acks looks again (the acks themselves wake nothing up). */
const SETTLE_POLL_MS = 50;

export class FleetWorker {
  private devices: ScenarioDevice[] = [];
  private endpoint: WorkerEndpoint | null = null;
  private readonly counters = emptyCounters();
  private ackMs: number[] = [];
  private readonly withQueue = new Set<ScenarioDevice>();
  private readonly ackWaiters = new Map<PressRecord, (ok: boolean) => void>();
  private readonly readyWaiters = new Map<ScenarioDevice, (ok: boolean) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly tickers: NodeJS.Timeout[] = [];
  private abort = new AbortController();
  private everReady = new Set<number>();
  private refusedNamed = 0;

  constructor(private readonly send: (m: FromWorker) => void) {}

  private readonly hooks: ScenarioDeviceHooks = {
    ready: (d) => {
      this.counters.connected++;
      this.everReady.add(d.index);
      this.counters.everReady = this.everReady.size;
      if (d.queue.size) this.withQueue.add(d);
      const w = this.readyWaiters.get(d);
      if (w) (this.readyWaiters.delete(d), w(true));
    },
    acked: (d, press, _ack, at) => {
      this.counters.acked++;
      if (press.sentAt !== null) this.ackMs.push(at - press.sentAt);
      if (d.queue.size === 0) this.withQueue.delete(d);
      const w = this.ackWaiters.get(press);
      if (w) (this.ackWaiters.delete(press), w(true));
    },
    sent: (d, _seq, attempt) => {
      if (attempt === 1) this.counters.pressed++;
      else this.counters.retransmits++;
      this.withQueue.add(d);
    },
    closed: (_d, wasReady, remote) => {
      if (wasReady) this.counters.connected--;
      if (remote) this.counters.drops++;
    },
    refused: (d, code) => {
      this.counters.refused++;
      if (this.refusedNamed++ < REFUSALS_NAMED) this.send({ t: "refused", id: d.id, code });
    },
  };

  handle(m: ToWorker): void {
    switch (m.t) {
      case "init":
        this.endpoint = m.endpoint;
        this.devices = m.devices.map((c, i) => new ScenarioDevice(m.firstIndex + i, c, this.hooks, { keepaliveS: m.keepaliveS, seqFrom: m.seqFrom }));
        this.counters.devices = this.devices.length;
        this.startTickers();
        this.send({ t: "initialized" });
        return;
      case "connect":
        this.connect(m.perSecond);
        return;
      case "run":
        void this.run(m);
        return;
      case "abort":
        this.abort.abort();
        return;
      case "stop":
        this.stop();
        return;
    }
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Starts in 10 ms slices at the given rate, so the broker's secret checks are not all asked at once. */
  private connect(perSecond: number): void {
    const ep = this.endpoint!;
    const perSlice = Math.max(1, Math.round(perSecond / 100));
    for (let s = 0; s * perSlice < this.devices.length; s++) {
      const part = this.devices.slice(s * perSlice, (s + 1) * perSlice);
      this.later(s * 10, () => part.forEach((d) => d.start(ep)));
    }
  }

  private startTickers(): void {
    this.tickers.push(setInterval(() => {
      const now = hrNow();
      for (const d of this.withQueue) {
        if (d.queue.size === 0) this.withQueue.delete(d);
        else d.retransmitDue(now);
      }
    }, 100));
    let cursor = 0;
    // a tenth of the fleet every 100 ms: each device's keepalive is looked at every second
    this.tickers.push(setInterval(() => {
      const now = hrNow();
      const n = Math.ceil(this.devices.length / 10);
      for (let k = 0; k < n && this.devices.length; k++) this.devices[cursor++ % this.devices.length]!.keepalive(now);
    }, 100));
    this.tickers.push(setInterval(() => this.report(), 500));
  }

  private report(): void {
    this.counters.silent = this.devices.filter((d) => d.silent).length;
    this.send({ t: "counters", c: { ...this.counters }, ackMs: this.ackMs });
    this.ackMs = [];
  }

  private sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (this.abort.signal.aborted) return resolve();
      const done = () => {
        this.abort.signal.removeEventListener("abort", done);
        clearTimeout(t);
        this.timers.delete(t);
        resolve();
      };
      const t = setTimeout(done, Math.max(0, ms));
      this.timers.add(t);
      this.abort.signal.addEventListener("abort", done);
    });

  private waiter<K>(map: Map<K, (ok: boolean) => void>, key: K, already: boolean): Promise<boolean> {
    if (already) return Promise.resolve(true);
    if (this.abort.signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => {
        map.delete(key);
        resolve(false);
      };
      this.abort.signal.addEventListener("abort", onAbort, { once: true });
      map.set(key, (ok) => {
        this.abort.signal.removeEventListener("abort", onAbort);
        resolve(ok);
      });
    });
  }

  private async run(m: Extract<ToWorker, { t: "run" }>): Promise<void> {
    const scenario = scenarios[m.scenario];
    const acting = this.devices.slice(0, m.acting);
    const signal = this.abort.signal;
    const run: ScenarioRun = {
      devices: acting, options: m.options, signal, sleep: this.sleep,
      whenAcked: (p) => this.waiter(this.ackWaiters, p, p.ackAt !== null),
      whenReady: (d) => this.waiter(this.readyWaiters, d, d.ready),
    };
    try {
      await scenario.act(run);
      // then every press acked (and whatever else the scenario waits for), or time is up
      const deadline = hrNow() + m.settleMs;
      const settled = () => acting.every((d) => d.queue.size === 0 || d.silent) && (scenario.settled?.(acting) ?? true);
      while (!signal.aborted && !settled() && hrNow() < deadline) await this.sleep(SETTLE_POLL_MS);
    } finally {
      this.report();
      const reports = acting.map(reportOf);
      for (let i = 0; i < reports.length || i === 0; i += REPORT_CHUNK) {
        this.send({ t: "reports", reports: reports.slice(i, i + REPORT_CHUNK), last: i + REPORT_CHUNK >= reports.length });
      }
    }
  }

  stop(): void {
    this.abort.abort();
    for (const t of this.tickers) clearInterval(t);
    for (const t of this.timers) clearTimeout(t);
    for (const d of this.devices) d.stop();
    this.send({ t: "stopped" });
  }
}

function reportOf(d: ScenarioDevice): DeviceReport {
  return {
    id: d.id, index: d.index, presses: d.presses, reboots: d.reboots, batteries: d.batteries, clockOffsetMs: d.clockOffsetMs,
    silentAt: d.silentAt, droppedAt: d.droppedAt, drops: d.drops,
  };
}
