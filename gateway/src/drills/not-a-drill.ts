/**
 * A dispatcher says a drill alarm is real: a resident pressed for help while the community ran a
 * drill. From then on it is an alarm like any other: it leaves the drill (the report no longer
 * counts it), the consoles sound it again, the district may hear of it, and the family a quiet drill
 * left out is texted at once; while nobody has it, the call waves start again from the first, the
 * family's, and the calls placed during the drill count for nothing.
 */
import { and, eq, isNotNull } from "drizzle-orm";
import { ErrorCodes, type ErrorCode } from "@helpkey/shared";
import type { AlertContext } from "../alerts/context";
import { emptyEffects, type Effects } from "../alerts/effects";
import { queueUntold } from "../alerts/notify-plan";
import { alerts } from "../db/schema";
import { getAlert, setCascadeDue, toAlertView, type AlertRow } from "../store/alerts";
import { appendEvent } from "../store/events";
import { drillQuiet } from "./running-drills";

export type RealOutcome =
  | { ok: true; alert: AlertRow; effects: Effects }
  | { ok: false; status: 404 | 409; code: ErrorCode; message: string };

const CLOSED = new Set<AlertRow["state"]>(["resolved", "cancelled"]);

/** Inside the caller's transaction. */
export function markReal(ctx: AlertContext, alertId: number, actor: string, now: number): RealOutcome {
  const alert = getAlert(ctx.db, alertId);
  if (!alert) return { ok: false, status: 404, code: ErrorCodes.NOT_FOUND, message: `no alert ${alertId}` };
  if (alert.drillId === null) return { ok: false, status: 409, code: ErrorCodes.ILLEGAL_TRANSITION, message: `alert ${alertId} is not a drill alarm` };
  if (CLOSED.has(alert.state)) return { ok: false, status: 409, code: ErrorCodes.ILLEGAL_TRANSITION, message: `alert ${alertId} is ${alert.state}` };
  const quiet = drillQuiet(ctx.db, alert);
  const updated = ctx.db.update(alerts).set({ drillId: null, realAt: now })
    .where(and(eq(alerts.id, alertId), isNotNull(alerts.drillId))).returning().get()!;
  const fx = emptyEffects();
  fx.events.push(appendEvent(ctx.db, { type: "alert.real", ts: now, communityId: updated.communityId, actor, alert: toAlertView(updated, ctx.dir) }, { data: { drillId: alert.drillId } }));
  const info = ctx.dir.get(updated.householdId);
  if (info && quiet) {
    fx.events.push(...queueUntold(ctx, updated, info, now));
    if (updated.state === "open") setCascadeDue(ctx.db, updated.id, now);
    fx.wakeOutbox = true;
  }
  return { ok: true, alert: updated, effects: fx };
}
