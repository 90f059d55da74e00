/**
 * Garbage-collection pauses as a metric, for the thread that calls it: the gateway's
 * (hk_gc_pause_seconds) and the broker thread's (hk_broker_gc_pause_seconds). A pause stops
 * that thread's event loop, so every press and ack passing through it waits; the event-loop
 * delay shows the stall, this shows how much of it was the collector.
 * prom-client's nodejs_gc_duration_seconds has no maximum and only decade-wide buckets.
 * Like the event-loop delay, each scrape reports the window since the previous scrape.
 */
import { PerformanceObserver } from "node:perf_hooks";
import { Gauge, type Registry } from "prom-client";

interface Window {
  count: number;
  totalMs: number;
  maxMs: number;
}

let window: Window | null = null;

/** One observer per thread, however many registries (tests start several systems in one process). */
function sharedWindow(): Window {
  if (!window) {
    const w: Window = { count: 0, totalMs: 0, maxMs: 0 };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        w.count += 1;
        w.totalMs += entry.duration;
        if (entry.duration > w.maxMs) w.maxMs = entry.duration;
      }
    }).observe({ entryTypes: ["gc"] });
    window = w;
  }
  return window;
}

/** Registers `name` (labels stat=count|total|max; total and max in seconds) on `registry` for the calling thread. */
export function registerGcPauses(registry: Registry, name: string, what: string): void {
  if (registry.getSingleMetric(name)) return;
  const w = sharedWindow();
  new Gauge({
    name,
    help: `Garbage-collection pauses of ${what} since the previous scrape: how many, their total and the longest (seconds)`,
    labelNames: ["stat"] as const,
    registers: [registry],
    collect() {
      this.set({ stat: "count" }, w.count);
      this.set({ stat: "total" }, w.totalMs / 1000);
      this.set({ stat: "max" }, w.maxMs / 1000);
      w.count = 0;
      w.totalMs = 0;
      w.maxMs = 0;
    },
  });
}
