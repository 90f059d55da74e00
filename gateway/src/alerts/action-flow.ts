/**
 * Console actions on an alert, also taken by a patrol member
 * ("arrived", "resolved") and by the person on the way confirming they are there:
 * decide (pure engine) → store → audit event → tell the devices and the contacts.
 * A dispatcher's acknowledge says the community centre has the alarm, never that anyone is going.
 */
import { WELFARE_CHECK, type ConsoleEvent, type Outcome } from "@helpkey/shared";
import { decideAction, type ConsoleAction } from "../engine/alert-engine";
import { arrivalDue } from "../engine/arrival";
import { texts } from "../notify/texts";
import { getAlert, toAlertView, transitionAlert, type AlertPatch, type AlertRow } from "../store/alerts";
import { appendEvent } from "../store/events";
import type { AlertContext } from "./context";
import { deviceAcks } from "./device-acks";
import { emptyEffects, type Effects } from "./effects";
import { rearmWelfare } from "../welfare/welfare-flow";
import { CONFIRM_CALLS, factsOf, queueFollowUp, stopCalls, type FollowUp } from "./notify-plan";

export type ActionResult =
  | { ok: true; alert: AlertRow; effects: Effects }
  | { ok: false; status: 404 | 409; code: "HK_NOT_FOUND" | "HK_ILLEGAL_TRANSITION"; message: string; alert?: AlertRow };

const eventType: Record<ConsoleAction, ConsoleEvent["type"]> = {
  acknowledge: "alert.acknowledged", dispatch: "alert.dispatched", arrive: "alert.arrived", resolve: "alert.resolved", cancel: "alert.cancelled",
};

export interface ActionInput {
  action: ConsoleAction;
  actor: string;
  outcome?: Outcome | undefined;
  note?: string | undefined;
}

export function applyAction(ctx: AlertContext, alertId: number, input: ActionInput, now: number): ActionResult {
  const alert = getAlert(ctx.db, alertId);
  if (!alert) return { ok: false, status: 404, code: "HK_NOT_FOUND", message: `no alert ${alertId}` };
  const d = decideAction(alert, input.action, input.outcome);
  if (!d.ok) {
    const by = alert.acknowledgedBy ? ` (acknowledged by ${alert.acknowledgedBy})` : "";
    return { ok: false, status: 409, code: "HK_ILLEGAL_TRANSITION", message: `${d.reason}${by}`, alert };
  }
  const info = ctx.dir.get(alert.householdId);
  const takesIt = input.action === "acknowledge" || (input.action === "dispatch" && alert.state === "open");
  const patch: AlertPatch = { state: d.to };
  if (takesIt) {
    patch.acknowledgedBy = input.actor;
    patch.acknowledgedAt = now;
    // nobody is on the way yet: if nobody gets there in time, the alert comes back
    if (info) patch.arrivalDueAt = arrivalDue(alert, now, info.policy);
  }
  if (input.action === "arrive") Object.assign(patch, { arrivedAt: now, arrivalDueAt: null, overdueAt: null });
  if (d.terminal) Object.assign(patch, { closedAt: now, arrivalDueAt: null, overdueAt: null });
  if (input.outcome) patch.outcome = input.outcome;
  if (input.note) patch.note = input.note;
  // A conditional update: if another writer changed the state meanwhile, nothing matches.
  const updated = transitionAlert(ctx.db, alertId, alert.state, patch);
  if (!updated) return { ok: false, status: 409, code: "HK_ILLEGAL_TRANSITION", message: "the alert changed meanwhile" };

  const fx = emptyEffects();
  fx.events.push(appendEvent(ctx.db, { type: eventType[input.action], ts: now, communityId: updated.communityId, actor: input.actor, alert: toAlertView(updated, ctx.dir) }, { data: input.note ? { note: input.note } : undefined }));
  const stop = alert.state === "open"
    ? stopCalls(ctx, alertId, now, input.actor, input.action === "cancel" ? { type: "cancelled" } : { type: "handling", by: input.actor })
    // someone is there (or it is over): the person on the way need not be asked any more
    : input.action === "arrive" || d.terminal ? stopCalls(ctx, alertId, now, null, { type: "settled" }, CONFIRM_CALLS) : null;
  if (stop) {
    fx.events.push(...stop.events);
    fx.cancelCalls.push(...stop.hangUp);
    fx.endCalls.push(...stop.endCalls);
  }
  if (info) {
    const facts = factsOf(updated, info);
    let f: FollowUp | null = null;
    if (takesIt) f = { purpose: "handling", body: (l) => texts.handlingSms(input.actor, facts, l), outcome: { type: "handling", dispatcher: input.actor } };
    else if (input.action === "resolve") f = { purpose: "resolved", body: (l) => texts.resolvedSms(facts, l), outcome: { type: "resolved" } };
    else if (input.action === "cancel") {
      const by = { by: "centre" as const, name: input.actor };
      f = { purpose: "cancelled", body: (l) => texts.cancelledSms(facts, by, l), outcome: { type: "cancelled", cancelled: by } };
    }
    if (f) fx.events.push(...queueFollowUp(ctx, updated, info, f, now));
    fx.wakeOutbox = true;
  }
  if (input.action !== "arrive") fx.acks.push(...deviceAcks(ctx, updated));
  // a welfare check closed: someone has seen the resident, the watch starts again from now
  if (d.terminal && updated.category === WELFARE_CHECK) rearmWelfare(ctx, updated.householdId, now);
  return { ok: true, alert: updated, effects: fx };
}
