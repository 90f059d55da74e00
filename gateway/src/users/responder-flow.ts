/**
 * The responder page's side: what the patrol member sees, and their three steps. The link's token
 * was checked by the caller; here the alert must still be live and the member still on the roster,
 * so a link stops working the moment the alert is closed or the member is retired.
 */
import { eq } from "drizzle-orm";
import type { Outcome } from "@helpkey/shared";
import { applyAction } from "../alerts/action-flow";
import type { AlertContext } from "../alerts/context";
import { emptyEffects, mergeEffects, type Effects } from "../alerts/effects";
import { markGoing } from "../alerts/going";
import { communities, devices, responderDispatches } from "../db/schema";
import { isTerminal } from "../engine/alert-engine";
import { getAlert, toAlertView, type AlertRow } from "../store/alerts";
import { notificationsOfAlert } from "../store/notifications";
import { dispatchesOf, getDispatch, getPatrol, type DispatchRow } from "./patrol-store";
import type { ResponderStep } from "./roles";

export type Live = { ok: true; dispatch: DispatchRow; alert: AlertRow } | { ok: false; reason: "unknown" | "closed" | "withdrawn" };

export function liveDispatch(ctx: AlertContext, dispatchId: number): Live {
  const dispatch = getDispatch(ctx.db, dispatchId);
  const alert = dispatch ? getAlert(ctx.db, dispatch.alertId) : undefined;
  if (!dispatch || !alert) return { ok: false, reason: "unknown" };
  if (isTerminal(alert.state)) return { ok: false, reason: "closed" };
  if (getPatrol(ctx.db, dispatch.patrolMemberId)?.retiredAt != null) return { ok: false, reason: "withdrawn" };
  return { ok: true, dispatch, alert };
}

/** Everything the member needs on the way: where, who pressed, who else is going. */
export function responderView(ctx: AlertContext, dispatch: DispatchRow, alert: AlertRow) {
  const info = ctx.dir.get(alert.householdId);
  const device = ctx.db.select().from(devices).where(eq(devices.id, alert.deviceId)).get();
  const claimed = notificationsOfAlert(ctx.db, alert.id).filter((n) => n.status === "pressed1").map((n) => ({ name: n.name, status: "going" }));
  const patrol = dispatchesOf(ctx.db, alert.id).filter((d) => d.id !== dispatch.id).map((d) => ({ name: d.name, status: d.status }));
  const view = toAlertView(alert, ctx.dir);
  const member = getPatrol(ctx.db, dispatch.patrolMemberId);
  const centre = ctx.db.select({ name: communities.name, phone: communities.phone }).from(communities).where(eq(communities.id, alert.communityId)).get();
  return {
    alertId: alert.id, kind: alert.kind, state: alert.state, address: view.address, residents: view.residents,
    notes: info?.notes ?? null, firstPressAt: alert.firstPressAt, pressCount: alert.pressCount,
    device: device ? { type: device.type } : null, acknowledgedBy: alert.acknowledgedBy,
    me: { name: dispatch.name, status: dispatch.status, dispatchedBy: dispatch.dispatchedBy, expiresAt: dispatch.expiresAt, language: member?.language ?? null },
    /** The community centre, for the page's call link. */
    centre: { name: centre?.name ?? view.address.community, phone: centre?.phone ?? null },
    outcome: alert.outcome,
    othersGoing: [...claimed, ...patrol],
  };
}

const nextStatus = { "on-way": "on_way", arrived: "arrived", resolved: "resolved" } as const;
const rank: Record<DispatchRow["status"], number> = { dispatched: 0, on_way: 1, arrived: 2, resolved: 3 };

export type StepResult = { ok: true; effects: Effects } | { ok: false; status: 409; message: string };

/** One step from the responder page, audited under the member's name. Runs inside the caller's transaction. */
export function responderStep(ctx: AlertContext, dispatch: DispatchRow, alert: AlertRow, step: ResponderStep, now: number, resolve?: { outcome: Outcome; note?: string | undefined }): StepResult {
  const fx = emptyEffects();
  // A double tap, or "on my way" after "arrived", changes nothing: the steps only go forward.
  if (rank[nextStatus[step]] <= rank[dispatch.status]) return { ok: true, effects: fx };
  if (step === "on-way") {
    // the member is now the person on the way: the device says so, the contacts are told, the arrival timer starts afresh
    const r = markGoing(ctx, alert.id, { name: dispatch.name, via: "patrol", patrolMemberId: dispatch.patrolMemberId }, now, {
      type: "alert.dispatched", data: { responder: { dispatchId: dispatch.id, step: "on_way" } },
    });
    if (!r.ok) return { ok: false, status: 409, message: `cannot go to this alert (${r.reply})` };
    mergeEffects(fx, r.effects);
  } else {
    // Back to open (nobody got there in time) and the member arrives after all: they have it now.
    if (step === "arrived" && alert.state === "open") {
      const g = markGoing(ctx, alert.id, { name: dispatch.name, via: "patrol", patrolMemberId: dispatch.patrolMemberId }, now);
      if (g.ok) mergeEffects(fx, g.effects);
    }
    // The dispatch made the alert `responding`, where both steps are legal: this fails only when the
    // console closed it between the page's check and this transaction.
    const r = applyAction(ctx, alert.id, step === "arrived" ? { action: "arrive", actor: dispatch.name } : { action: "resolve", actor: dispatch.name, outcome: resolve?.outcome ?? "real", note: resolve?.note }, now);
    if (!r.ok) return { ok: false, status: 409, message: r.message };
    mergeEffects(fx, r.effects);
  }
  ctx.db.update(responderDispatches).set({ status: nextStatus[step], updatedAt: now }).where(eq(responderDispatches.id, dispatch.id)).run();
  return { ok: true, effects: fx };
}
