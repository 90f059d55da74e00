/**
 * What comes back from the phone network (issue 3): status callbacks, answering-machine results,
 * key presses and SMS replies. Every handler is idempotent: the same callback twice changes nothing.
 */
import { and, desc, eq, notInArray } from "drizzle-orm";
import type { NotificationStatus } from "@helpkey/shared";
import { alerts, notifications } from "../db/schema";
import { getAlert } from "../store/alerts";
import { getNotification, updateNotification, type NotificationRow } from "../store/notifications";
import { applyAction } from "./action-flow";
import type { AlertContext } from "./context";
import { emptyEffects, mergeEffects, type Effects } from "./effects";
import { CALL_ENDED, notificationEvent } from "./notify-plan";

/** Outcomes that no later callback may overwrite (a "completed" after "pressed1" stays "pressed1"). */
const FINAL = new Set<string>([...CALL_ENDED, "pressed1", "delivered", "undelivered"]);
const RANK: Record<string, number> = { queued: 0, sending: 1, sent: 2, ringing: 3, "in-progress": 4, answered: 4 };

const callStatusMap: Record<string, NotificationStatus> = {
  queued: "sent", initiated: "sent", ringing: "ringing", "in-progress": "answered", answered: "answered",
  completed: "completed", busy: "busy", "no-answer": "no-answer", failed: "failed", canceled: "cancelled",
};
const smsStatusMap: Record<string, NotificationStatus> = { sent: "sent", delivered: "delivered", undelivered: "undelivered", failed: "failed" };

function canMove(from: string, to: string): boolean {
  if (from === to || FINAL.has(from)) return false;
  return FINAL.has(to) || (RANK[to] ?? 0) > (RANK[from] ?? 0);
}

/** Moves a row forward and, when a call ended, makes its alert's cascade due now. */
function move(ctx: AlertContext, row: NotificationRow, to: NotificationStatus, now: number, fx: Effects, patch: Partial<NotificationRow> = {}): boolean {
  if (!canMove(row.status, to)) return false;
  const updated = updateNotification(ctx.db, row.id, { status: to, updatedAt: now, ...patch });
  fx.events.push(notificationEvent(ctx, updated, now, null));
  if (row.channel === "call" && CALL_ENDED.has(to)) {
    ctx.db.update(alerts).set({ cascadeDueAt: now }).where(and(eq(alerts.id, row.alertId), eq(alerts.state, "open"))).run();
    fx.wakeOutbox = true;
  }
  return true;
}

export function callStatus(ctx: AlertContext, id: number, twilioStatus: string, sid: string | undefined, now: number): Effects {
  const fx = emptyEffects();
  const row = getNotification(ctx.db, id);
  const to = callStatusMap[twilioStatus];
  if (row && to) move(ctx, row, to, now, fx, sid && !row.providerSid ? { providerSid: sid } : {});
  return fx;
}

export function smsStatus(ctx: AlertContext, id: number, twilioStatus: string, now: number): Effects {
  const fx = emptyEffects();
  const row = getNotification(ctx.db, id);
  const to = smsStatusMap[twilioStatus];
  if (row && to) move(ctx, row, to, now, fx);
  return fx;
}

/** Async AMD: a machine is not an answer; hang up and move on. */
export function machineResult(ctx: AlertContext, id: number, answeredBy: string, now: number): Effects {
  const fx = emptyEffects();
  const row = getNotification(ctx.db, id);
  if (!row || !/^(machine|fax)/.test(answeredBy)) return fx;
  if (move(ctx, row, "voicemail", now, fx) && row.providerSid) fx.cancelCalls.push(row.providerSid);
  return fx;
}

export type KeyResult = { effects: Effects; reply: "claimed" | "already" | "passed" | "closed" | "unknown"; by?: string };

/** A key press (1 = "I'm going", 2 = "I can't") or an SMS reply "1". The first 1 claims the alert. */
export function keyPress(ctx: AlertContext, id: number, digit: string, now: number): KeyResult {
  const fx = emptyEffects();
  const row = getNotification(ctx.db, id);
  if (!row) return { effects: fx, reply: "unknown" };
  const alert = getAlert(ctx.db, row.alertId)!;
  if (digit === "2") {
    move(ctx, row, "pressed2", now, fx);
    return { effects: fx, reply: "passed" };
  }
  if (digit !== "1") return { effects: fx, reply: "unknown" };
  // Marked pressed1 first: stopCalls then leaves the claimer's own call alone (it hears the thanks).
  if (row.channel === "call") move(ctx, row, "pressed1", now, fx);
  if (alert.state !== "open") {
    const reply = alert.acknowledgedBy === row.name ? "claimed" : alert.acknowledgedBy ? "already" : "closed";
    return { effects: fx, reply, ...(alert.acknowledgedBy ? { by: alert.acknowledgedBy } : {}) };
  }
  const r = applyAction(ctx, alert.id, { action: "acknowledge", actor: row.name, claimedByContactId: row.contactId }, now);
  if (!r.ok) return { effects: fx, reply: "already" };
  return { effects: mergeEffects(fx, r.effects), reply: "claimed", by: row.name };
}

/** An inbound SMS: "1" from a number we texted about a live alert claims it like a key press. */
export function smsReply(ctx: AlertContext, from: string, body: string, now: number): KeyResult {
  const digit = body.trim().replace(/^[１]/, "1").slice(0, 1);
  const row = ctx.db.select({ n: notifications }).from(notifications).innerJoin(alerts, eq(alerts.id, notifications.alertId))
    .where(and(eq(notifications.toPhone, from), eq(notifications.channel, "sms"), notInArray(alerts.state, ["resolved", "cancelled"])))
    .orderBy(desc(notifications.id)).limit(1).get();
  if (!row) return { effects: emptyEffects(), reply: "unknown" };
  return keyPress(ctx, row.n.id, digit, now);
}
