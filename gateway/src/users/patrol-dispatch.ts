/**
 * Dispatch a patrol member: the alert goes to `responding` through the same
 * action flow as the console's `/dispatch` (audited, acked to the device), then the member gets an
 * SMS with the address and a signed, expiring responder link, queued in the outbox like every other
 * message (a row before it is sent). Runs inside the caller's transaction.
 */
import { isTerminal } from "../engine/alert-engine";
import { applyAction } from "../alerts/action-flow";
import type { AlertContext } from "../alerts/context";
import { emptyEffects, mergeEffects, type Effects } from "../alerts/effects";
import { notificationEvent } from "../alerts/notify-plan";
import { responderDispatches } from "../db/schema";
import { getAlert } from "../store/alerts";
import { insertNotification } from "../store/notifications";
import type { DispatchRow, PatrolRow } from "./patrol-store";
import { patrolSms } from "./responder-texts";
import { RESPONDER_LINK_TTL_MS, signResponderToken } from "./responder-token";

export type DispatchResult =
  | { ok: true; dispatch: DispatchRow; effects: Effects }
  | { ok: false; status: 404 | 409; code: "HK_NOT_FOUND" | "HK_ILLEGAL_TRANSITION"; message: string };

export interface DispatchInput {
  alertId: number;
  member: PatrolRow;
  /** The dispatcher, for the audit trail. */
  actor: string;
  /** Base of the responder link (HK_PUBLIC_URL or the HTTP address). */
  publicUrl: string;
  secret: Buffer;
}

export function responderLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/r/${token}`;
}

export function dispatchPatrol(ctx: AlertContext, input: DispatchInput, now: number): DispatchResult {
  const alert = getAlert(ctx.db, input.alertId);
  if (!alert) return { ok: false, status: 404, code: "HK_NOT_FOUND", message: `no alert ${input.alertId}` };
  if (isTerminal(alert.state)) return { ok: false, status: 409, code: "HK_ILLEGAL_TRANSITION", message: `cannot dispatch to an alert that is ${alert.state}` };
  const fx = emptyEffects();
  // A second member sent to an alert already `responding` changes no state: only the SMS below.
  if (alert.state === "open" || alert.state === "acknowledged") {
    const r = applyAction(ctx, alert.id, { action: "dispatch", actor: input.actor }, now);
    if (!r.ok) return { ok: false, status: r.status, code: r.code, message: r.message };
    mergeEffects(fx, r.effects);
  }
  const info = ctx.dir.get(alert.householdId);
  const m = input.member;
  const dispatch = ctx.db.insert(responderDispatches).values({
    alertId: alert.id, patrolMemberId: m.id, name: m.name, dispatchedBy: input.actor, status: "dispatched",
    expiresAt: now + RESPONDER_LINK_TTL_MS, createdAt: now, updatedAt: now,
  }).returning().get();
  const link = responderLink(input.publicUrl, signResponderToken(input.secret, dispatch.id, dispatch.expiresAt));
  const body = patrolSms({ alertId: alert.id, kind: alert.kind, address: info?.address ?? { community: "", building: "?", unit: "?", room: "?" }, residents: info?.residents ?? [] }, m.language, link);
  // purpose "patrol": the console shows it in the contact timelines; the event's actor is the dispatcher who sent them.
  const row = insertNotification(ctx.db, {
    alertId: alert.id, communityId: alert.communityId, contactId: null, name: m.name, toPhone: m.phone, language: m.language,
    channel: "sms", purpose: "patrol", wave: 1, round: 1, priority: alert.priority, body, status: "queued", attempts: 0, nextAttemptAt: now, createdAt: now, updatedAt: now,
  });
  fx.events.push(notificationEvent(ctx, row, now, input.actor));
  fx.wakeOutbox = true;
  return { ok: true, dispatch, effects: fx };
}
