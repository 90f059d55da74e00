/**
 * Which due cascades (alerts.cascade_due_at <= now) the outbox runs first. A new alert's first plan
 * (its alarm texts and first wave) and every later step of a planned one (the next wave, the
 * supervisor's call) are both due cascades; the outbox plans the most urgent first, so that in a
 * storm a fire pressed last is planned before the service requests pressed before it.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../db/open";
import { alerts } from "../db/schema";
import type { AlertRow } from "./alerts";
import { prepared } from "./prepared";

const ph = sql.placeholder;

/** Up to `limit` due alerts, the most urgent first, then the longest due. */
export function dueByPriority(db: Db, now: number, limit: number): AlertRow[] {
  return prepared(db, "dueCascades.byPriority", () =>
    db.select().from(alerts).where(sql`${alerts.cascadeDueAt} <= ${ph("now")}`)
      .orderBy(alerts.priority, alerts.cascadeDueAt, alerts.id).limit(ph("limit")).prepare(),
  ).all({ now, limit });
}

/**
 * Up to `limit` due alerts that are planned already (they have outbox rows), the longest due first:
 * their steps are timers (the next wave, the supervisor's call) and run whatever is waiting to be
 * planned, so an escalation is never held back by other alerts' first plans.
 */
export function dueSteps(db: Db, now: number, limit: number): AlertRow[] {
  return prepared(db, "dueCascades.steps", () =>
    db.select().from(alerts)
      .where(sql`${alerts.cascadeDueAt} <= ${ph("now")} AND EXISTS (SELECT 1 FROM notifications WHERE notifications.alert_id = ${alerts.id})`)
      .orderBy(alerts.cascadeDueAt, alerts.id).limit(ph("limit")).prepare(),
  ).all({ now, limit });
}
