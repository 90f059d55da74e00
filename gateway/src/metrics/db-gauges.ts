/** Gauges read from the database when /metrics is scraped (alerts by state, outbox depth). */
import { alertStates } from "@helpkey/shared";
import type { Db } from "../db/open";
import type { Metrics } from "./metrics";

export function bindDbGauges(metrics: Metrics, db: Db): void {
  const byState = db.$client.prepare("SELECT state, count(*) AS n FROM alerts GROUP BY state");
  const depth = db.$client.prepare("SELECT count(*) AS n FROM notifications WHERE status IN ('queued', 'sending')");
  metrics.sources.alertsByState = () => {
    const counts = new Map((byState.all() as { state: string; n: number }[]).map((r) => [r.state, r.n]));
    return new Map(alertStates.map((st) => [st, counts.get(st) ?? 0]));
  };
  metrics.sources.outboxDepth = () => (depth.get() as { n: number }).n;
}
