/**
 * Event-loop delay of the gateway process as a metric: everything the system does for a press
 * (broker, ingest, commit, acks, console) runs on this one loop, so its stalls are press latency.
 * prom-client's nodejs_eventloop_lag_* samples every 10 ms and reports the sampling interval itself
 * as delay (an idle loop shows ~10 ms); this samples every 2 ms and reports only the excess.
 * Like nodejs_eventloop_lag_*, each scrape reports the window since the previous scrape.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { Gauge, Histogram, type Registry } from "prom-client";

const RESOLUTION_MS = 2;
let histogram: IntervalHistogram | null = null;

/** One histogram per process, however many registries (tests start several systems in one process). */
function sharedHistogram(): IntervalHistogram {
  if (!histogram) {
    histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    histogram.enable();
  }
  return histogram;
}

export function registerLoopDelay(registry: Registry): void {
  if (registry.getSingleMetric("hk_event_loop_delay_seconds")) return;
  const h = sharedHistogram();
  const excess = (ns: number) => Math.max(0, ns / 1e9 - RESOLUTION_MS / 1000);
  new Gauge({
    name: "hk_event_loop_delay_seconds",
    help: `Event-loop delay beyond the ${RESOLUTION_MS} ms sampling interval, since the previous scrape`,
    labelNames: ["stat"] as const,
    registers: [registry],
    collect() {
      if (h.count > 0) {
        this.set({ stat: "p50" }, excess(h.percentile(50)));
        this.set({ stat: "p99" }, excess(h.percentile(99)));
        this.set({ stat: "max" }, excess(h.max));
        this.set({ stat: "mean" }, excess(h.mean));
      }
      h.reset();
    },
  });
}

/** How long each group fsync of the WAL takes (store/wal-sync.ts): acks and console frames wait for it. */
export function walFsyncHistogram(registry: Registry): Histogram {
  const existing = registry.getSingleMetric("hk_wal_fsync_seconds");
  if (existing) return existing as Histogram;
  return new Histogram({
    name: "hk_wal_fsync_seconds",
    help: "Duration of one fsync of the SQLite WAL (one per batch of waiting acks and console frames)",
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
}
