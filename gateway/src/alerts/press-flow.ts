/**
 * One alarm packet from a device, inside the ingest's group transaction:
 * dedupe by (device, seq, payload) → decide (pure engine) → store; the outbox plans the notifications.
 * Returns the effects to carry out after the commit (the ack among them).
 *
 * A press from a device or household in maintenance raises an alert marked `maintenance`: stored,
 * acked and on the console like any other, with nothing for the outbox to plan (the cascade's pure
 * rules text and call nobody for it). A press from outside maintenance that joins such an alert
 * turns it into an ordinary one, notified from then on.
 */
import { eq } from "drizzle-orm";
import { DEFAULT_SERVICE_TARGET_S, type AlarmPayload, type ConsoleEvent, type StatusPayload } from "@helpkey/shared";
import { alerts } from "../db/schema";
import { markDrillAlarm } from "../drills/running-drills";
import { decidePress, type PressDecision } from "../engine/alert-engine";
import { arrivalTimed } from "../engine/arrival";
import { texts } from "../notify/texts";
import { findOpenAlert, getAlert, insertAlert, joinAlert, latestAlertOf, setCascadeDue, toAlertView, type AlertRow } from "../store/alerts";
import { updateDeviceBattery, updateDeviceStatus } from "../store/device-state";
import { appendEvent } from "../store/events";
import { flagSeqReset, insertPress, matchPress } from "../store/presses";
import type { HouseholdInfo } from "../store/household-info";
import { arrivalDueNow, pressedAgain } from "./arrival-flow";
import { superviseStatus } from "../supervision/status-flow";
import type { AlertContext } from "./context";
import { ackFor } from "./device-acks";
import { emptyEffects, mergeEffects, type Effects } from "./effects";
import { factsOf, outcomeOf, queueFollowUp, queueUpgrade, stopCalls } from "./notify-plan";
import { categoryOf } from "./service-route";
import { signOfLife } from "../welfare/welfare-flow";

/** A service request's category (a key the community knows, else none) and its answer-time target. */
function serviceFields(info: HouseholdInfo, kind: AlarmPayload["kind"], key: string | undefined, now: number): { category: string | null; answerDueAt: number | null } {
  if (kind !== "service") return { category: null, answerDueAt: null };
  const c = categoryOf(info, key ?? null);
  return { category: c?.key ?? null, answerDueAt: now + (c?.targetS ?? DEFAULT_SERVICE_TARGET_S) * 1000 };
}

export type AlarmOutcome =
  | { ok: true; effects: Effects; created: boolean; duplicate: boolean; /** The device reused a seq for a new press (it lost its counter). */ seqReused: boolean }
  | { ok: false; code: "HK_MQTT_UNKNOWN_DEVICE" };

function alertEvent(ctx: AlertContext, type: ConsoleEvent["type"], alert: AlertRow, now: number, actor: string | null, data?: Record<string, unknown>): ConsoleEvent {
  return appendEvent(ctx.db, { type, ts: now, communityId: alert.communityId, actor, alert: toAlertView(alert, ctx.dir) }, { data });
}

/**
 * Another press joins the household's live alert. A more urgent kind is an upgrade: its alarm goes
 * out now. A press after someone claimed or acknowledged it brings it back: with nobody on site it
 * counts as the arrival timer firing now; with someone there (or for a service request, which has
 * no timer) the one who claimed it is told and the console sounds.
 */
function join(ctx: AlertContext, d: Extract<PressDecision, { type: "join" }>, info: HouseholdInfo, now: number, fx: Effects): { alert: AlertRow; reopened: boolean } {
  let alert = joinAlert(ctx.db, d.alertId, { pressCount: d.pressCount, lastPressAt: now, kind: d.kind, priority: d.priority });
  // nobody there and the arrival timer applies: it fires now; else (someone there, a service request) the console sounds
  const timerNow = d.again === "nobody_on_site" && arrivalTimed(alert);
  if (d.again && !timerNow) {
    const r = pressedAgain(ctx, alert, now);
    alert = r.alert;
    mergeEffects(fx, r.effects);
  }
  fx.events.push(alertEvent(ctx, "alert.pressed", alert, now, null, d.escalated ? { upgradedTo: d.kind } : undefined));
  if (timerNow) {
    mergeEffects(fx, arrivalDueNow(ctx, alert, now, now));
    alert = getAlert(ctx.db, alert.id)!; // the timer moved it (overdue or reopened)
  }
  if (d.escalated) {
    fx.events.push(...queueUpgrade(ctx, alert, info, outcomeOf(alert), now));
    fx.wakeOutbox = true;
  }
  return { alert, reopened: timerNow && alert.state === "open" };
}

/** Sets or clears the alert's maintenance mark. */
function markMaintenance(ctx: AlertContext, alertId: number, maintenance: boolean): AlertRow {
  return ctx.db.update(alerts).set({ maintenance }).where(eq(alerts.id, alertId)).returning().get()!;
}

/**
 * A press from outside maintenance joined an alert raised in it: from now on it is an ordinary
 * alarm. Still open, its first plan runs now (nobody was told yet); someone has it already, so
 * every contact gets the alarm with who has it, as an upgrade's texts say (unless the press
 * upgraded it, which sent those).
 */
function leftMaintenance(ctx: AlertContext, alert: AlertRow, info: HouseholdInfo, upgraded: boolean, now: number, fx: Effects): void {
  if (alert.state === "open") setCascadeDue(ctx.db, alert.id, now);
  else if (!upgraded) fx.events.push(...queueUpgrade(ctx, alert, info, outcomeOf(alert), now));
  fx.wakeOutbox = true;
}

export function handleAlarm(ctx: AlertContext, deviceId: string, p: AlarmPayload, now: number): AlarmOutcome {
  const device = ctx.devices.get(deviceId);
  const info = device && !device.revoked ? ctx.dir.get(device.householdId) : null;
  if (!device || !info) return { ok: false, code: "HK_MQTT_UNKNOWN_DEVICE" };
  const fx = emptyEffects();

  // Exactly-once by (device id, seq, payload): a retransmission is acked again with the alert's current
  // state; the same seq with another payload is a new press from a device that lost its counter.
  const match = matchPress(ctx.db, deviceId, p.seq, { deviceTs: p.ts, action: p.action, kind: p.kind });
  if (match.type === "retransmission") {
    const alert = match.alertId ? getAlert(ctx.db, match.alertId) : undefined;
    fx.acks.push(ackFor(ctx, deviceId, p.seq, alert, info));
    return { ok: true, effects: fx, created: false, duplicate: true, seqReused: false };
  }
  const seqReused = match.type === "seq_reused";
  if (seqReused) flagSeqReset(ctx.db, deviceId, now);

  const open = findOpenAlert(ctx.db, device.householdId);
  const maintenance = device.maintenance || info.maintenance;
  const d = decidePress(open ?? null, p, now, info.policy);
  let alert: AlertRow | undefined;
  let created = false;
  let reopened = false;
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
        // storm's acks never wait behind thousands of notification rows. The due time is in this
        // row, so a crash before the plan ran still plans it after the restart.
        cascadeDueAt: test || maintenance ? null : now,
        ...serviceFields(info, d.kind, p.category, now),
      });
      if (maintenance) alert = markMaintenance(ctx, alert.id, true);
      // an alarm while the community runs a drill is the drill's (a service request is not an alarm)
      if (!test && d.kind !== "service") alert = markDrillAlarm(ctx.db, alert);
      created = !test;
      fx.events.push(alertEvent(ctx, "alert.created", alert, now, null, seqReused ? { seqReused: true } : undefined));
      if (!test && !maintenance) fx.wakeOutbox = true;
      break;
    }
    case "join": {
      const leaving = open!.maintenance && !maintenance;
      if (leaving) markMaintenance(ctx, d.alertId, false);
      ({ alert, reopened } = join(ctx, d, info, now, fx));
      if (leaving) leftMaintenance(ctx, alert, info, d.escalated, now, fx);
      break;
    }
    case "cancel": {
      alert = ctx.db.update(alerts).set({ state: "cancelled", closedAt: now, outcome: "false_alarm", arrivalDueAt: null, overdueAt: null }).where(eq(alerts.id, d.alertId)).returning().get()!;
      const stop = stopCalls(ctx, d.alertId, now, "resident", { type: "cancelled" });
      fx.events.push(alertEvent(ctx, "alert.cancelled", alert, now, "resident"), ...stop.events);
      const facts = factsOf(alert, info);
      const by = { by: "resident" as const };
      fx.events.push(...queueFollowUp(ctx, alert, info, { purpose: "cancelled", body: (l) => texts.cancelledSms(facts, by, l), outcome: { type: "cancelled", cancelled: by } }, now));
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
  // any press, a test press too, is a sign of life (welfare checks)
  signOfLife(ctx, device.householdId, now);
  fx.acks.push(ackFor(ctx, deviceId, p.seq, alert, info, { reopened }));
  return { ok: true, effects: fx, created, duplicate: false, seqReused };
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
  // supervision: the silence timer, battery and self-test faults; coming online, one `cmd config`
  // with the device's keepalive (and a set-top box's green-key menu)
  const sup = superviseStatus(ctx, row, info, s, now);
  fx.events.push(...sup.events);
  if (sup.cmd) fx.cmds.push({ deviceId, cmd: sup.cmd });
  return fx;
}
