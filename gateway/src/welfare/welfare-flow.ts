/**
 * Welfare checks (平安关怀) for households that live alone: every sign of life (an `event activity`
 * from any of the household's devices, a press) moves the due time to `welfare.spanH` waking hours
 * later (engine/waking-hours.ts). When it passes with no sign of life, exactly one check is raised:
 * a service alert with category "welfare_check", texted to the grid's workers (and the family when
 * included) by the outbox like any service request. The due time is a column, run by the outbox
 * worker's tick like the arrival timers, so it survives a restart; it is armed again by the next
 * sign of life, or when the check is resolved.
 */
import { DEFAULT_SERVICE_TARGET_S, kindPriority, WELFARE_CHECK, type ConsoleEvent } from "@helpkey/shared";
import type { AlertContext } from "../alerts/context";
import { emptyEffects, type Effects } from "../alerts/effects";
import { addWindowTime } from "../engine/waking-hours";
import { findOpenAlert, insertAlert, toAlertView } from "../store/alerts";
import { appendEvent } from "../store/events";
import type { HouseholdInfo } from "../store/household-info";
import { dueWelfare, nextWelfareDue, recordSignOfLife, runningWatches, setWelfareDue } from "../store/welfare";

/** When a check is due for a lapse that starts at `from` (null when the household is not watched). */
export function welfareDueFrom(info: HouseholdInfo, from: number): number | null {
  if (!info.livesAlone) return null;
  const w = info.policy.welfare;
  return addWindowTime(from, Math.round(w.spanH * 3_600_000), w.wakingHours, info.policy.timeZone);
}

/**
 * A sign of life from the household (inside the caller's transaction). Only watched households are
 * written: every press passes here, and a household starts its watch from the moment it is marked.
 */
export function signOfLife(ctx: AlertContext, householdId: number, at: number): void {
  const info = ctx.dir.get(householdId);
  if (!info?.livesAlone) return;
  recordSignOfLife(ctx.db, householdId, at, welfareDueFrom(info, at));
}

/** The watch starts (or stops) with the household's livesAlone: counted from now. */
export function rearmWelfare(ctx: AlertContext, householdId: number, now: number): void {
  const info = ctx.dir.get(householdId);
  if (info) setWelfareDue(ctx.db, householdId, welfareDueFrom(info, now));
}

/**
 * The community's welfare span or waking hours changed: every running watch is timed again from
 * its household's last sign of life (from now when none came since the watch began), so a shorter
 * span takes effect today, not after the next sign of life. Returns how many watches moved.
 */
export function retimeWelfare(ctx: AlertContext, communityId: number, now: number): number {
  let n = 0;
  ctx.db.$client.transaction(() => {
    for (const w of runningWatches(ctx.db, communityId)) {
      const info = ctx.dir.get(w.id);
      if (!info) continue;
      setWelfareDue(ctx.db, w.id, welfareDueFrom(info, w.lastSignOfLifeAt ?? now));
      n++;
    }
  }).immediate();
  return n;
}

/** The outbox worker's step: up to `limit` due households, in one transaction. */
export function runDueWelfare(ctx: AlertContext, now: number, limit: number): { effects: Effects; more: boolean; nextAt: number | null } {
  const fx = emptyEffects();
  const due = dueWelfare(ctx.db, now, limit);
  if (due.length > 0) {
    ctx.db.$client.transaction(() => {
      for (const h of due) {
        const e = raiseWelfareCheck(ctx, h.id, now);
        if (e) {
          fx.events.push(e);
          fx.wakeOutbox = true;
        }
      }
    }).immediate();
  }
  return { effects: fx, more: due.length === limit, nextAt: nextWelfareDue(ctx.db) };
}

/**
 * One check per lapse: the timer is cleared as the check is raised. A household with a live alert
 * already has the centre's attention: no second alert (one per household), the lapse ends there too.
 */
function raiseWelfareCheck(ctx: AlertContext, householdId: number, now: number): ConsoleEvent | null {
  setWelfareDue(ctx.db, householdId, null);
  const info = ctx.dir.get(householdId);
  if (!info || !info.livesAlone || findOpenAlert(ctx.db, householdId)) return null;
  const alert = insertAlert(ctx.db, {
    communityId: info.communityId, householdId, deviceId: "", kind: "service", state: "open", priority: kindPriority.service,
    pressCount: 0, firstPressAt: now, lastPressAt: now, closedAt: null, outcome: null,
    // planned by the outbox like a press's alert: the texts to the grid workers (and family)
    cascadeDueAt: now, category: WELFARE_CHECK, answerDueAt: now + DEFAULT_SERVICE_TARGET_S * 1000,
  });
  return appendEvent(ctx.db, { type: "alert.created", ts: now, communityId: info.communityId, actor: null, alert: toAlertView(alert, ctx.dir) }, { data: { welfare: true } });
}
