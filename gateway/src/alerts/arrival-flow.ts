/**
 * The arrival timer: a claimed or acknowledged alert with nobody on site after the arrival timeout
 * returns to the console with sound and resumes the cascade. Its due
 * time is a column (alerts.arrival_due_at), run by the outbox worker like the cascade's, so it
 * survives a restart. The person on the way is asked first (an SMS and a call: 1 = with her,
 * 2 = cannot go); no answer, 2, or nobody to ask reopens the alert: back to open, the cascade
 * resumes where it was, the supervisor is called now and every contact hears it needs someone again.
 */
import type { ConsoleEvent } from "@helpkey/shared";
import { decideAction } from "../engine/alert-engine";
import { decideArrivalDue, decideConfirm, type ConfirmAnswer } from "../engine/arrival";
import { SUPERVISOR_WAVE } from "../engine/cascade";
import { texts } from "../notify/texts";
import { dueArrivals, getAlert, nextArrivalDue, toAlertView, transitionAlert, type AlertRow } from "../store/alerts";
import { appendEvent } from "../store/events";
import type { HouseholdInfo } from "../store/household-info";
import { notificationsOfAlert, type NotificationRow } from "../store/notifications";
import { applyAction } from "./action-flow";
import type { AlertContext } from "./context";
import { deviceAcks } from "./device-acks";
import { emptyEffects, mergeEffects, type Effects } from "./effects";
import { claimerOf } from "./going";
import { CONFIRM_CALLS, ESCALATION_PRIORITY, factsOf, queueFollowUp, queueRow, stopCalls, supervisorOf } from "./notify-plan";

/** Why an alert went back to open, for the audit trail. */
export type ReopenReason = "nobody_going" | "not_confirmed" | "declined" | "pressed_again";

function event(ctx: AlertContext, type: ConsoleEvent["type"], alert: AlertRow, now: number, data?: Record<string, unknown>): ConsoleEvent {
  return appendEvent(ctx.db, { type, ts: now, communityId: alert.communityId, actor: null, alert: toAlertView(alert, ctx.dir) }, { data });
}

/**
 * The outbox worker's step: up to `limit` alerts whose arrival timer has run out, oldest first, in one
 * transaction. `more`: there may be more due now; `nextAt`: when the next timer runs out (null: none).
 */
export function runDueArrivals(ctx: AlertContext, now: number, limit: number): { effects: Effects; more: boolean; nextAt: number | null } {
  const fx = emptyEffects();
  const due = dueArrivals(ctx.db, now, limit);
  if (due.length > 0) {
    ctx.db.$client.transaction(() => {
      for (const a of due) mergeEffects(fx, arrivalDueNow(ctx, a, now, null));
    }).immediate();
  }
  return { effects: fx, more: due.length === limit, nextAt: nextArrivalDue(ctx.db) };
}

/**
 * The timer fired, or the resident pressed again (`pressedAgainAt`) with nobody on site, which
 * counts the same: ask the person on the way, or reopen.
 */
export function arrivalDueNow(ctx: AlertContext, alert: AlertRow, now: number, pressedAgainAt: number | null): Effects {
  const fx = emptyEffects();
  const info = ctx.dir.get(alert.householdId);
  const d = info ? decideArrivalDue(alert, now, info.policy) : ({ type: "none" } as const);
  if (d.type === "none" || !info) {
    transitionAlert(ctx.db, alert.id, alert.state, { arrivalDueAt: null });
    return fx;
  }
  const claimer = claimerOf(ctx, alert, info);
  if (d.type === "reopen" || !claimer) {
    const why: ReopenReason = pressedAgainAt !== null ? "pressed_again" : alert.overdueAt !== null ? "not_confirmed" : "nobody_going";
    return reopen(ctx, alert, info, now, why, null);
  }
  const updated = transitionAlert(ctx.db, alert.id, alert.state, { overdueAt: d.overdueAt, arrivalDueAt: d.confirmBy });
  if (!updated) return fx;
  fx.events.push(event(ctx, "alert.overdue", updated, now, { asked: claimer.name, ...(pressedAgainAt !== null ? { pressedAgainAt } : {}) }));
  const facts = factsOf(updated, info);
  const claimedAt = updated.goingAt ?? updated.acknowledgedAt ?? now;
  fx.events.push(queueRow(ctx, updated, claimer, "sms", "overdue", texts.overdueSms(facts, claimedAt, pressedAgainAt, claimer.language), now));
  fx.events.push(queueRow(ctx, updated, claimer, "call", "confirm", null, now, { priority: ESCALATION_PRIORITY }));
  fx.wakeOutbox = true;
  return fx;
}

/**
 * A new press where the arrival timer does not apply (someone is with her, or a service request): the
 * console sounds again (overdue until someone confirms on site or closes it) and the person who
 * claimed it is told.
 */
export function pressedAgain(ctx: AlertContext, alert: AlertRow, now: number): { alert: AlertRow; effects: Effects } {
  const fx = emptyEffects();
  const info = ctx.dir.get(alert.householdId);
  const updated = transitionAlert(ctx.db, alert.id, alert.state, { overdueAt: now }) ?? alert;
  const claimer = info ? claimerOf(ctx, updated, info) : null;
  if (info && claimer) {
    fx.events.push(queueRow(ctx, updated, claimer, "sms", "pressed_again", texts.pressedAgainSms(factsOf(updated, info), now, claimer.language), now));
    fx.wakeOutbox = true;
  }
  return { alert: updated, effects: fx };
}

/** The "reopen" transition: back to open with nobody on it; the claim stays in the event log. */
export function reopen(ctx: AlertContext, alert: AlertRow, info: HouseholdInfo, now: number, why: ReopenReason, declinedContactId: number | null): Effects {
  const fx = emptyEffects();
  if (!decideAction(alert, "reopen").ok) return fx;
  const updated = transitionAlert(ctx.db, alert.id, alert.state, {
    state: "open", acknowledgedBy: null, acknowledgedAt: null, goingBy: null, goingVia: null, goingAt: null,
    arrivalDueAt: null, overdueAt: null, cascadeDueAt: now,
  });
  if (!updated) return fx;
  fx.events.push(event(ctx, "alert.reopened", updated, now, { why, was: { acknowledgedBy: alert.acknowledgedBy, goingBy: alert.goingBy, goingVia: alert.goingVia } }));
  const stop = stopCalls(ctx, alert.id, now, null, { type: "settled" }, CONFIRM_CALLS);
  fx.events.push(...stop.events);
  fx.cancelCalls.push(...stop.hangUp);
  fx.endCalls.push(...stop.endCalls);
  const supervisor = alert.kind !== "service" ? supervisorOf(info) : null;
  if (supervisor) {
    const round = notificationsOfAlert(ctx.db, alert.id).filter((n) => n.purpose === "supervisor").length + 1;
    fx.events.push(queueRow(ctx, updated, supervisor, "call", "supervisor", null, now, { wave: SUPERVISOR_WAVE, round, priority: ESCALATION_PRIORITY }));
  }
  const facts = factsOf(updated, info);
  fx.events.push(...queueFollowUp(ctx, updated, info, {
    purpose: "reopened", body: (l) => texts.reopenedSms(facts, l), outcome: { type: "reopened" }, skipContactId: declinedContactId,
  }, now));
  fx.acks.push(...deviceAcks(ctx, updated, { reopened: true }));
  fx.wakeOutbox = true;
  return fx;
}

export type ConfirmReply = "arrived" | "declined" | "settled";

/** The person on the way answered the confirm call (1, 2), or it ended without an answer. */
export function confirmAnswer(ctx: AlertContext, row: NotificationRow, answer: ConfirmAnswer, now: number): { effects: Effects; reply: ConfirmReply } {
  const alert = row.alertId !== null ? getAlert(ctx.db, row.alertId) : undefined;
  const info = alert && ctx.dir.get(alert.householdId);
  if (!alert || !info) return { effects: emptyEffects(), reply: "settled" };
  const d = decideConfirm(alert, row.createdAt, answer);
  if (d === "arrived") {
    const r = applyAction(ctx, alert.id, { action: "arrive", actor: row.name }, now);
    return r.ok ? { effects: r.effects, reply: "arrived" } : { effects: emptyEffects(), reply: "settled" };
  }
  if (d === "reopen") return { effects: reopen(ctx, alert, info, now, answer === "2" ? "declined" : "not_confirmed", answer === "2" ? row.contactId : null), reply: "declined" };
  return { effects: emptyEffects(), reply: "settled" };
}
