/** Prometheus metrics of the gateway, on one registry shared with the broker. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Where scrape-time gauges read from (the database, bound by bindDbGauges). */
export interface GaugeSources {
  alertsByState: () => Map<string, number>;
  /** Per channel: rows queued or sending, and when the oldest queued one was queued (null: none). */
  outbox: () => { channel: string; depth: number; oldestAt: number | null }[];
}

export function createMetrics(registry = new Registry()) {
  collectDefaultMetrics({ register: registry });
  const sources: GaugeSources = { alertsByState: () => new Map(), outbox: () => [] };
  const buckets = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
  return {
    registry,
    /** Prometheus text kept elsewhere (the broker thread's hk_mqtt_*), appended to every scrape. */
    external: [] as (() => Promise<string>)[],
    presses: new Counter({ name: "hk_presses_total", help: "Alarm packets accepted, by result", labelNames: ["result"] as const, registers: [registry] }),
    rejected: new Counter({ name: "hk_ingest_rejected_total", help: "Device messages rejected by the gateway, by error code", labelNames: ["code"] as const, registers: [registry] }),
    sources,
    alertsByState: new Gauge({
      name: "hk_alerts", help: "Alerts by state", labelNames: ["state"] as const, registers: [registry],
      collect() {
        for (const [state, n] of sources.alertsByState()) this.set({ state }, n);
      },
    }),
    outboxDepth: new Gauge({
      name: "hk_outbox_depth", help: "Notifications queued or sending, by channel (sms, call, control)", labelNames: ["channel"] as const, registers: [registry],
      collect() {
        for (const c of ["sms", "call", "control"]) this.set({ channel: c }, 0);
        for (const r of sources.outbox()) this.set({ channel: r.channel }, r.depth);
      },
    }),
    outboxOldestWait: new Gauge({
      name: "hk_outbox_oldest_wait_seconds", help: "How long the oldest queued notification has waited, by channel (0: none waits)", labelNames: ["channel"] as const, registers: [registry],
      collect() {
        const now = Date.now();
        for (const c of ["sms", "call", "control"]) this.set({ channel: c }, 0);
        for (const r of sources.outbox()) if (r.oldestAt !== null) this.set({ channel: r.channel }, Math.max(0, (now - r.oldestAt) / 1000));
      },
    }),
    outboxPaused: new Counter({ name: "hk_outbox_paused_total", help: "Channel pauses after the provider said too many requests (HTTP 429 / 20429)", labelNames: ["channel"] as const, registers: [registry] }),
    outboxRecovered: new Counter({ name: "hk_outbox_recovered_total", help: "Notifications found `sending` with no request under way, queued again", labelNames: ["channel"] as const, registers: [registry] }),
    outboxInFlightLimit: new Gauge({ name: "hk_outbox_in_flight_limit", help: "Provider requests the outbox may have in flight per channel: HK_MAX_IN_FLIGHT, lower while the event loop is overloaded", registers: [registry] }),
    sent: new Counter({ name: "hk_notifications_sent_total", help: "Provider requests by channel and result", labelNames: ["channel", "result"] as const, registers: [registry] }),
    ingestCommit: new Histogram({ name: "hk_ingest_commit_seconds", help: "Press received → committed (in the WAL, not yet fsynced)", buckets, registers: [registry] }),
    ingestDurable: new Histogram({ name: "hk_ingest_durable_seconds", help: "Press received → on disk (the WAL fsync done): what its ack and console frame wait for", buckets, registers: [registry] }),
    batchSize: new Histogram({ name: "hk_ingest_batch_size", help: "Messages per group commit", buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000], registers: [registry] }),
    consoleClients: new Gauge({ name: "hk_console_clients", help: "Connected console WebSockets", registers: [registry] }),
    consoleSlowClosed: new Counter({ name: "hk_console_slow_closed_total", help: "Consoles closed because their send buffer passed the limit (they resume with since=N)", registers: [registry] }),
    consoleRevoked: new Counter({ name: "hk_console_revoked_total", help: "Consoles closed because their credentials were revoked", registers: [registry] }),
    checkpoint: new Histogram({ name: "hk_wal_checkpoint_seconds", help: "WAL checkpoints on their thread", buckets, registers: [registry] }),
    walPages: new Gauge({ name: "hk_wal_pages", help: "Pages in the WAL at the last checkpoint", registers: [registry] }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
