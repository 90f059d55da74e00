/** The gateway's event-loop delay and GC pauses (registered through the broker package's helpers) and the WAL fsync histogram. */
import { registerGcPauses, registerLoopDelay as registerThreadLoopDelay } from "@helpkey/broker";
import { Histogram, type Registry } from "prom-client";

/** hk_event_loop_delay_seconds and hk_gc_pause_seconds: everything the gateway does for a press (ingest, commit, acks, console) runs on this loop, and waits for its collector. */
export function registerLoopDelay(registry: Registry): void {
  registerThreadLoopDelay(registry, "hk_event_loop_delay_seconds", "the gateway's event loop");
  registerGcPauses(registry, "hk_gc_pause_seconds", "the gateway's main thread");
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
