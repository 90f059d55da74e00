/** Gauges read from the database when /metrics is scraped (alerts by state, the outbox per channel). */
import { alertStates } from "@helpkey/shared";
import type { Db } from "../db/open";
import { backlogOf } from "../store/outbox-queue";
import type { Metrics } from "./metrics";

export function bindDbGauges(metrics: Metrics, db: Db): void {
  const byState = db.$client.prepare("SELECT state, count(*) AS n FROM alerts GROUP BY state");
  metrics.sources.alertsByState = () => {
    const counts = new Map((byState.all() as { state: string; n: number }[]).map((r) => [r.state, r.n]));
    return new Map(alertStates.map((st) => [st, counts.get(st) ?? 0]));
  };
  // the console's backlog and the scrape share one read of the queue (at most every 2 s)
  metrics.sources.outbox = () => backlogOf(db, null).map((b) => ({ channel: b.channel, depth: b.waiting + b.sending, oldestAt: b.oldestAt }));
}
