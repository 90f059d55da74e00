/**
 * One alarm packet from a device, inside the ingest's group transaction:
 * dedupe by (device, seq) → decide (pure engine) → store; the outbox plans the notifications.
 * Returns the effects to carry out after the commit (the ack among them).
 */
import { eq } from "drizzle-orm";
import type { AlarmPayload, ConsoleEvent, StatusPayload } from "@helpkey/shared";
import { alerts } from "../db/schema";
import { decidePress } from "../engine/alert-engine";
import { texts } from "../notify/texts";
import { findOpenAlert, getAlert, insertAlert, joinAlert, latestAlertOf, toAlertView, type AlertRow } from "../store/alerts";
import { updateDeviceBattery, updateDeviceStatus } from "../store/device-state";
import { appendEvent } from "../store/events";
import { findPress, insertPress } from "../store/presses";
import type { HouseholdInfo } from "../store/household-info";
import { ackStateOf, type AlertContext } from "./context";
import { emptyEffects, type Effects } from "./effects";
import { queueFollowUp, stopCalls } from "./notify-plan";

export type AlarmOutcome = { ok: true; effects: Effects; created: boolean; duplicate: boolean } | { ok: false; code: "HK_MQTT_UNKNOWN_DEVICE" };

function alertEvent(ctx: AlertContext, type: ConsoleEvent["type"], alert: AlertRow, now: number, actor: string | null): ConsoleEvent {
  return appendEvent(ctx.db, { type, ts: now, communityId: alert.communityId, actor, alert: toAlertView(alert, ctx.dir) });
}

function ackFor(deviceId: string, seq: number, alert: AlertRow | undefined, info: HouseholdInfo) {
  const lang = info.communityLanguage;
  if (!alert) return { deviceId, ack: { seq, alertId: 0, state: "cancelled" as const } };
  const state = ackStateOf(alert.state);
  const by = alert.acknowledgedBy ?? undefined;
  return { deviceId, ack: { seq, alertId: alert.id, state, ...(by ? { by } : {}), text: texts.deviceText(state, lang, by, alert.acknowledgedAt) } };
}

export function handleAlarm(ctx: AlertContext, deviceId: string, p: AlarmPayload, now: number): AlarmOutcome {
  const device = ctx.devices.get(deviceId);
  const info = device && !device.revoked ? ctx.dir.get(device.householdId) : null;
  if (!device || !info) return { ok: false, code: "HK_MQTT_UNKNOWN_DEVICE" };
  const fx = emptyEffects();

  // Exactly-once by (device id, seq): a retransmission is acked again with the alert's current state.
  const prior = findPress(ctx.db, deviceId, p.seq);
  if (prior) {
    const alert = prior.alertId ? getAlert(ctx.db, prior.alertId) : undefined;
    fx.acks.push(ackFor(deviceId, p.seq, alert, info));
    return { ok: true, effects: fx, created: false, duplicate: true };
  }

  const open = findOpenAlert(ctx.db, device.householdId);
  const d = decidePress(open ?? null, p, now, info.policy);
  let alert: AlertRow | undefined;
  let created = false;
  switch (d.type) {
    case "create":
    case "test": {
      const test = d.type === "test";
      alert = insertAlert(ctx.db, {
        communityId: info.communityId, householdId: device.householdId, deviceId, kind: d.kind, state: test ? "resolved" : "open",
        priority: d.priority, pressCount: 1, firstPressAt: now, lastPressAt: now,
        closedAt: test ? now : null, outcome: test ? "test" : null,
        // The alarm texts and the first calls are planned by the outbox as soon as this commit is
        // durable (notify-plan.ts runDue): the press path stores only what the ack promises, and a
        // storm's acks no longer wait behind thousands of notification rows (issue 4). The due
        // time is in this row, so a crash before the plan ran still plans it after the restart.
        cascadeDueAt: test ? null : now,
      });
      created = !test;
      fx.events.push(alertEvent(ctx, "alert.created", alert, now, null));
      if (!test) fx.wakeOutbox = true;
      break;
    }
    case "join":
      alert = joinAlert(ctx.db, d.alertId, { pressCount: d.pressCount, lastPressAt: now, kind: d.kind, priority: d.priority });
      fx.events.push(alertEvent(ctx, "alert.pressed", alert, now, null));
      break;
    case "cancel": {
      alert = ctx.db.update(alerts).set({ state: "cancelled", closedAt: now, outcome: "false_alarm" }).where(eq(alerts.id, d.alertId)).returning().get();
      const stop = stopCalls(ctx, d.alertId, now, "resident", "cancelled");
      fx.events.push(alertEvent(ctx, "alert.cancelled", alert!, now, "resident"), ...stop.events);
      fx.events.push(...queueFollowUp(ctx, alert!, info, "cancelled", (l) => texts.cancelledSms({ alertId: alert!.id, kind: alert!.kind, address: info.address, residents: info.residents, at: alert!.firstPressAt }, l), now));
      fx.cancelCalls.push(...stop.hangUp);
      fx.endCalls.push(...stop.endCalls);
      fx.wakeOutbox = true;
      break;
    }
    case "cancel_requested":
      alert = open;
      fx.events.push(alertEvent(ctx, "alert.cancel_requested", alert!, now, "resident"));
      break;
    case "ignore":
      alert = latestAlertOf(ctx.db, device.householdId);
      break;
  }
  insertPress(ctx.db, {
    deviceId, seq: p.seq, alertId: d.type === "ignore" ? null : alert?.id ?? null, action: p.action, kind: p.kind, trigger: p.trigger, deviceTs: p.ts, receivedAt: now,
  });
  if (p.battery !== undefined) updateDeviceBattery(ctx.db, deviceId, Math.round(p.battery), now);
  fx.acks.push(ackFor(deviceId, p.seq, alert, info));
  return { ok: true, effects: fx, created, duplicate: false };
}

/** A device's status (retained, and its Last Will): online/offline, battery, firmware. */
export function handleStatus(ctx: AlertContext, deviceId: string, s: StatusPayload, now: number): Effects | null {
  const device = ctx.devices.get(deviceId);
  const info = device ? ctx.dir.get(device.householdId) : null;
  if (!device || !info) return null;
  const row = updateDeviceStatus(ctx.db, deviceId, { online: s.online, at: now, battery: s.battery !== undefined ? Math.round(s.battery) : null, fw: s.fw ?? null });
  if (!row) return null;
  const fx = emptyEffects();
  fx.events.push(appendEvent(ctx.db, {
    type: "device.status", ts: now, communityId: info.communityId, actor: null,
    device: { id: row.id, householdId: row.householdId, type: row.type, online: row.online, battery: row.battery, lastSeenAt: row.lastSeenAt },
  }));
  return fx;
}
