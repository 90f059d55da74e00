/**
 * A technical alert's life, inside the caller's transaction: raised once per (device, type) while it
 * lasts, acknowledged by the console, cleared when the device is back, reports better or is revoked.
 * Raising it times the grid workers' text (policy supervision.smsAfterS); acknowledging or clearing
 * it first means that text never goes (a text already queued is withdrawn). A device or household
 * in maintenance raises none: someone is working on it.
 */
import { and, eq } from "drizzle-orm";
import type { ConsoleEvent } from "@helpkey/shared";
import type { FaultType } from "@helpkey/shared/supervision";
import type { AlertContext } from "../alerts/context";
import { notifications } from "../db/schema";
import { acknowledgeFault, clearFault, getFault, insertFault, openFault, openFaultsOf, setSilentDue, type FaultRow } from "../store/device-faults";
import { faultEvent } from "./fault-view";

export function raiseFault(ctx: AlertContext, deviceId: string, type: FaultType, detail: string | null, now: number): ConsoleEvent | null {
  const device = ctx.devices.get(deviceId);
  const info = device && !device.revoked ? ctx.dir.get(device.householdId) : null;
  if (!device || !info || device.maintenance || info.maintenance) return null;
  if (openFault(ctx.db, deviceId, type)) return null;
  const f = insertFault(ctx.db, {
    deviceId, householdId: device.householdId, communityId: info.communityId, type, raisedAt: now, detail,
    smsDueAt: now + info.policy.supervision.smsAfterS * 1000,
  });
  return faultEvent(ctx, "fault.raised", f, now, null);
}

/** Texts about the fault still waiting in the outbox are withdrawn: it is over, or someone has it. */
function withdrawTexts(ctx: AlertContext, faultId: number, now: number): void {
  ctx.db.update(notifications).set({ status: "cancelled", updatedAt: now })
    .where(and(eq(notifications.faultId, faultId), eq(notifications.status, "queued"))).run();
}

export function clearOpenFault(ctx: AlertContext, deviceId: string, type: FaultType, now: number): ConsoleEvent | null {
  const open = openFault(ctx.db, deviceId, type);
  if (!open) return null;
  withdrawTexts(ctx, open.id, now);
  return faultEvent(ctx, "fault.cleared", clearFault(ctx.db, open.id, now), now, null);
}

/** A revoked device needs no visit: its open faults clear (texts still queued are withdrawn) and its silence timer stops. */
export function retireFaults(ctx: AlertContext, deviceId: string, now: number): ConsoleEvent[] {
  setSilentDue(ctx.db, deviceId, null);
  return openFaultsOf(ctx.db, deviceId).map((f) => {
    withdrawTexts(ctx, f.id, now);
    return faultEvent(ctx, "fault.cleared", clearFault(ctx.db, f.id, now), now, null);
  });
}

export type AcknowledgeOutcome = { ok: true; fault: FaultRow; event: ConsoleEvent } | { ok: false; code: "not_found" | "closed"; fault?: FaultRow };

/** The console has it: no text goes unless it went already. A cleared or acknowledged fault is not acknowledged again. */
export function acknowledge(ctx: AlertContext, id: number, by: string, now: number): AcknowledgeOutcome {
  const before = getFault(ctx.db, id);
  if (!before) return { ok: false, code: "not_found" };
  const f = acknowledgeFault(ctx.db, id, by, now);
  if (!f) return { ok: false, code: "closed", fault: before };
  withdrawTexts(ctx, id, now);
  return { ok: true, fault: f, event: faultEvent(ctx, "fault.acknowledged", f, now, by) };
}
