/**
 * Console actions and contact claims on an alert (DESIGN.md "Alerts", "Console"):
 * decide (pure engine) → store → audit event → tell the devices and the contacts.
 */
import type { ConsoleEvent, Outcome } from "@helpkey/shared";
import { decideAction, type ConsoleAction } from "../engine/alert-engine";
import { texts } from "../notify/texts";
import { getAlert, toAlertView, transitionAlert, type AlertPatch, type AlertRow } from "../store/alerts";
import { appendEvent } from "../store/events";
import { latestSeqPerDevice } from "../store/presses";
import { ackStateOf, type AlertContext } from "./context";
import { emptyEffects, type Effects } from "./effects";
import { factsOf, queueFollowUp, stopCalls } from "./notify-plan";

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
  /** A contact who claimed by pressing 1 (not told "X is going" about themselves). */
  claimedByContactId?: number | null;
}

/** Acks every device that pressed for this alert with the alert's new state. */
function deviceAcks(ctx: AlertContext, alert: AlertRow): Effects["acks"] {
  const rows = latestSeqPerDevice(ctx.db, alert.id);
  const lang = ctx.dir.get(alert.householdId)?.communityLanguage ?? "zh-CN";
  const state = ackStateOf(alert.state);
  const by = alert.acknowledgedBy ?? undefined;
  return rows.map((r) => ({ deviceId: r.deviceId, ack: { seq: r.seq ?? 0, alertId: alert.id, state, ...(by ? { by } : {}), text: texts.deviceText(state, lang, by, alert.acknowledgedAt) } }));
}

export function applyAction(ctx: AlertContext, alertId: number, input: ActionInput, now: number): ActionResult {
  const alert = getAlert(ctx.db, alertId);
  if (!alert) return { ok: false, status: 404, code: "HK_NOT_FOUND", message: `no alert ${alertId}` };
  const d = decideAction(alert, input.action, input.outcome);
  if (!d.ok) {
    const by = alert.acknowledgedBy ? ` (acknowledged by ${alert.acknowledgedBy})` : "";
    return { ok: false, status: 409, code: "HK_ILLEGAL_TRANSITION", message: `${d.reason}${by}`, alert };
  }
  const patch: AlertPatch = { state: d.to };
  if (input.action === "acknowledge" || (input.action === "dispatch" && !alert.acknowledgedBy)) {
    patch.acknowledgedBy = input.actor;
    patch.acknowledgedAt = now;
  }
  if (d.terminal) patch.closedAt = now;
  if (input.outcome) patch.outcome = input.outcome;
  if (input.note) patch.note = input.note;
  // A conditional update: if another writer changed the state meanwhile, nothing matches.
  const updated = transitionAlert(ctx.db, alertId, alert.state, patch);
  if (!updated) return { ok: false, status: 409, code: "HK_ILLEGAL_TRANSITION", message: "the alert changed meanwhile" };

  const fx = emptyEffects();
  fx.events.push(appendEvent(ctx.db, { type: eventType[input.action], ts: now, communityId: updated.communityId, actor: input.actor, alert: toAlertView(updated, ctx.dir) }, { data: input.note ? { note: input.note } : undefined }));
  const info = ctx.dir.get(updated.householdId);
  if (alert.state === "open") {
    const stop = stopCalls(ctx, alertId, now, input.actor, input.action === "cancel" ? "cancelled" : "claimed");
    fx.events.push(...stop.events);
    fx.cancelCalls.push(...stop.hangUp);
    fx.endCalls.push(...stop.endCalls);
  }
  if (info) {
    const facts = factsOf(updated, info);
    if (input.action === "acknowledge") {
      fx.events.push(...queueFollowUp(ctx, updated, info, "going", (l) => texts.goingSms(input.actor, facts, l), now, input.claimedByContactId ?? null));
    } else if (input.action === "resolve") {
      fx.events.push(...queueFollowUp(ctx, updated, info, "resolved", (l) => texts.resolvedSms(facts, l), now));
    } else if (input.action === "cancel") {
      fx.events.push(...queueFollowUp(ctx, updated, info, "cancelled", (l) => texts.cancelledSms(facts, l), now));
    }
    fx.wakeOutbox = true;
  }
  if (input.action !== "arrive") fx.acks.push(...deviceAcks(ctx, updated));
  return { ok: true, alert: updated, effects: fx };
}
