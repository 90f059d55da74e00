/** Gauges read from the database when /metrics is scraped (alerts by state, the outbox per channel). */
import { alertStates } from "@helpkey/shared";
import type { Db } from "../db/open";
import type { Metrics } from "./metrics";

export function bindDbGauges(metrics: Metrics, db: Db): void {
  const byState = db.$client.prepare("SELECT state, count(*) AS n FROM alerts GROUP BY state");
  const outbox = db.$client.prepare(
    "SELECT channel, count(*) AS depth, min(CASE WHEN status = 'queued' THEN created_at END) AS oldestAt FROM notifications WHERE status IN ('queued', 'sending') GROUP BY channel",
  );
  metrics.sources.alertsByState = () => {
    const counts = new Map((byState.all() as { state: string; n: number }[]).map((r) => [r.state, r.n]));
    return new Map(alertStates.map((st) => [st, counts.get(st) ?? 0]));
  };
  metrics.sources.outbox = () => outbox.all() as { channel: string; depth: number; oldestAt: number | null }[];
}
