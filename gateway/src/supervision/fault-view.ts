/** A technical alert as the console and the API show it, and its console event (audited in the event log). */
import type { ConsoleEvent, ConsoleEventType, NotificationStatus } from "@helpkey/shared";
import type { FaultView } from "@helpkey/shared/supervision";
import type { AlertContext } from "../alerts/context";
import { getFault, textsOfFault, type FaultRow } from "../store/device-faults";
import { appendEvent } from "../store/events";
import type { NotificationRow } from "../store/notifications";

const NO_ADDRESS = { community: "", building: "", unit: "", room: "" };

export function toFaultView(ctx: AlertContext, f: FaultRow): FaultView {
  return {
    id: f.id, deviceId: f.deviceId, deviceType: ctx.devices.get(f.deviceId)?.type ?? "button", householdId: f.householdId, communityId: f.communityId,
    type: f.type, raisedAt: f.raisedAt, clearedAt: f.clearedAt, acknowledgedAt: f.acknowledgedAt, acknowledgedBy: f.acknowledgedBy,
    smsDueAt: f.smsDueAt, smsSentAt: f.smsSentAt, detail: f.detail,
    address: ctx.dir.get(f.householdId)?.address ?? NO_ADDRESS,
    texts: textsOfFault(ctx.db, f.id).map((t) => ({ name: t.name, status: t.status as NotificationStatus })),
  };
}

/** Inside the caller's transaction: the event's number is the console's `n`. */
export function faultEvent(ctx: AlertContext, type: Extract<ConsoleEventType, `fault.${string}`>, f: FaultRow, now: number, actor: string | null, extra: { notificationId?: number } = {}): ConsoleEvent {
  return appendEvent(ctx.db, { type, ts: now, communityId: f.communityId, actor, fault: toFaultView(ctx, f) }, extra);
}

/** A fault's text moved on (queued, sent, delivered, failed): its fault's event, with every text's status. */
export function faultTextEvent(ctx: AlertContext, row: NotificationRow, now: number, actor: string | null): ConsoleEvent {
  const f = row.faultId !== null ? getFault(ctx.db, row.faultId) : undefined;
  if (!f) throw new Error(`notification ${row.id} belongs to neither an alert nor a fault`);
  return faultEvent(ctx, "fault.updated", f, now, actor, { notificationId: row.id });
}
