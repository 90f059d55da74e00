/**
 * Event-loop delay as a metric, for the thread that calls it: the gateway's event loop
 * (hk_event_loop_delay_seconds) and the broker thread's (hk_broker_event_loop_delay_seconds).
 * Their stalls are press latency: every alarm and ack passes through both loops.
 * prom-client's nodejs_eventloop_lag_* samples every 10 ms and reports the sampling interval itself
 * as delay (an idle loop shows ~10 ms); this samples every 2 ms and reports only the excess.
 * Like nodejs_eventloop_lag_*, each scrape reports the window since the previous scrape.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { Gauge, type Registry } from "prom-client";

const RESOLUTION_MS = 2;
let histogram: IntervalHistogram | null = null;

/** One histogram per thread, however many registries (tests start several systems in one process). */
function sharedHistogram(): IntervalHistogram {
  if (!histogram) {
    histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    histogram.enable();
  }
  return histogram;
}

/** Registers `name` (labels stat=p50|p99|max|mean) on `registry` for the calling thread's event loop. */
export function registerLoopDelay(registry: Registry, name: string, what: string): void {
  if (registry.getSingleMetric(name)) return;
  const h = sharedHistogram();
  const excess = (ns: number) => Math.max(0, ns / 1e9 - RESOLUTION_MS / 1000);
  new Gauge({
    name,
    help: `Event-loop delay of ${what} beyond the ${RESOLUTION_MS} ms sampling interval, since the previous scrape`,
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
