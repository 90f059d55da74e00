/**
 * District escalation: an alarm still unclaimed (state open: nobody acknowledged it, nobody is going)
 * `districtEscalationS` after its first press, in a community that belongs to a district, goes up to
 * the district's consoles once: `alerts.escalated_at` is set and an `alert.escalated` event joins the
 * alert's log and the console stream. Service requests and alarms raised in maintenance call nobody
 * and never escalate; a drill's alarms stay in their community (a drill exercises the centre).
 *
 * The due time is read from the alert row and its community on every scan, not stored: a community
 * that joins a district or changes its delay applies to its open alarms at once, the press path
 * writes nothing more, and after a restart the first scan escalates every alarm whose delay passed
 * while the gateway was down.
 */
import { and, eq, isNull } from "drizzle-orm";
import { defaultPolicy } from "@helpkey/shared";
import type { AlertContext } from "../alerts/context";
import { emptyEffects, type Effects } from "../alerts/effects";
import { alerts } from "../db/schema";
import { toAlertView } from "../store/alerts";
import { appendEvent } from "../store/events";
import { prepared } from "../store/prepared";

interface DueRow {
  id: number;
  district_id: number;
  delay_s: number;
}

/**
 * Open alarms past their community's delay, the oldest first. `state = 'open'` reads the state
 * index, so the scan costs the open alarms, not the table. A stored policy is valid JSON (it passed
 * the policy schema); json_valid keeps one damaged row from stopping every escalation.
 */
function dueEscalations(ctx: AlertContext, now: number, limit: number): DueRow[] {
  const delay = `coalesce(CASE WHEN json_valid(c.policy) THEN json_extract(c.policy, '$.districtEscalationS') END, @fallback)`;
  return prepared(ctx.db, "district.dueEscalations", () => ctx.db.$client.prepare<{ fallback: number; now: number; limit: number }, DueRow>(
    `SELECT a.id, c.district_id, ${delay} AS delay_s FROM alerts a JOIN communities c ON c.id = a.community_id
     WHERE a.state = 'open' AND a.escalated_at IS NULL AND a.maintenance = 0 AND a.drill_id IS NULL AND a.kind != 'service'
       AND c.district_id IS NOT NULL AND a.first_press_at + 1000 * ${delay} <= @now
     ORDER BY a.first_press_at, a.id LIMIT @limit`,
  )).all({ fallback: defaultPolicy.districtEscalationS, now, limit });
}

/**
 * Escalates up to `limit` due alarms in one transaction. `more`: there may be more due now.
 * The update re-checks the state, so an alarm claimed in the same turn is never escalated.
 */
export function runDueEscalations(ctx: AlertContext, now: number, limit: number): { effects: Effects; more: boolean } {
  const fx = emptyEffects();
  const due = dueEscalations(ctx, now, limit);
  if (due.length === 0) return { effects: fx, more: false };
  ctx.db.$client.transaction(() => {
    for (const d of due) {
      const row = ctx.db.update(alerts).set({ escalatedAt: now })
        .where(and(eq(alerts.id, d.id), eq(alerts.state, "open"), isNull(alerts.escalatedAt))).returning().get();
      if (!row) continue;
      fx.events.push(appendEvent(ctx.db, { type: "alert.escalated", ts: now, communityId: row.communityId, actor: null, alert: toAlertView(row, ctx.dir) }, {
        data: { districtId: d.district_id, delayS: d.delay_s, unclaimedS: Math.floor((now - row.firstPressAt) / 1000) },
      }));
    }
  }).immediate();
  return { effects: fx, more: due.length === limit };
}
