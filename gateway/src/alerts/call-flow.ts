/**
 * What comes back from the phone network: status callbacks, answering-machine results,
 * key presses and SMS replies. Every handler is idempotent: the same callback twice changes nothing.
 */
import { and, desc, eq, isNotNull, notInArray } from "drizzle-orm";
import type { NotificationStatus } from "@helpkey/shared";
import { alerts, notifications } from "../db/schema";
import { parseReply, replyTarget } from "../engine/reply-code";
import { texts } from "../notify/texts";
import { getAlert } from "../store/alerts";
import { getNotification, updateNotification, type NotificationRow } from "../store/notifications";
import { confirmAnswer, type ConfirmReply } from "./arrival-flow";
import type { AlertContext } from "./context";
import { emptyEffects, mergeEffects, type Effects } from "./effects";
import { markGoing } from "./going";
import { CALL_ENDED, notificationEvent, queueRow } from "./notify-plan";

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

/** Moves a row forward; a call that ended moves its alert's cascade on (or answers the confirm question). */
function move(ctx: AlertContext, row: NotificationRow, to: NotificationStatus, now: number, fx: Effects, patch: Partial<NotificationRow> = {}): boolean {
  if (!canMove(row.status, to)) return false;
  const updated = updateNotification(ctx.db, row.id, { status: to, updatedAt: now, ...patch });
  fx.events.push(notificationEvent(ctx, updated, now, null));
  if (row.channel === "call" && CALL_ENDED.has(to)) {
    if (row.purpose === "confirm") {
      // no key, voicemail, no answer, a failed call: nobody confirmed being there (a 2 is answered by keyPress)
      if (to !== "pressed2") mergeEffects(fx, confirmAnswer(ctx, updated, "ended", now).effects);
    } else if (row.alertId !== null) {
      ctx.db.update(alerts).set({ cascadeDueAt: now }).where(and(eq(alerts.id, row.alertId), eq(alerts.state, "open"))).run();
    }
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

export type KeyReply = "claimed" | "already" | "passed" | "closed" | "unknown" | "asked" | ConfirmReply;
export type KeyResult = { effects: Effects; reply: KeyReply; by?: string };

/**
 * A key press (1 = "I'm going", 2 = "I can't") or an SMS reply. The first 1 claims the alert; a 1 on an
 * alert the community centre has, with nobody on the way, records this person as going. On the
 * confirm call, 1 = "I am with her", 2 = "I cannot go".
 */
export function keyPress(ctx: AlertContext, id: number, digit: string, now: number): KeyResult {
  const fx = emptyEffects();
  const row = getNotification(ctx.db, id);
  // a fault's text (no alert) claims nothing
  if (!row || row.alertId === null) return { effects: fx, reply: "unknown" };
  if (row.purpose === "confirm") {
    if (digit !== "1" && digit !== "2") return { effects: fx, reply: "unknown" };
    // the same key twice (a retried webhook) changes nothing and gets the same answer
    if (!move(ctx, row, digit === "1" ? "pressed1" : "pressed2", now, fx)) return { effects: fx, reply: row.status === "pressed1" ? "arrived" : row.status === "pressed2" ? "declined" : "settled" };
    const r = confirmAnswer(ctx, row, digit, now);
    return { effects: mergeEffects(fx, r.effects), reply: r.reply };
  }
  if (digit === "2") {
    move(ctx, row, "pressed2", now, fx);
    return { effects: fx, reply: "passed" };
  }
  if (digit !== "1") return { effects: fx, reply: "unknown" };
  // Marked pressed1 first: stopCalls then leaves the claimer's own call alone (it hears the thanks).
  if (row.channel === "call") move(ctx, row, "pressed1", now, fx);
  const r = markGoing(ctx, row.alertId, { name: row.name, via: row.channel === "call" ? "key" : "sms", contactId: row.contactId, phone: row.toPhone, language: row.language }, now);
  if (!r.ok) {
    const reply = r.reply === "already" && r.by === row.name ? "claimed" : r.reply;
    return { effects: fx, reply, ...(r.by ? { by: r.by } : {}) };
  }
  return { effects: mergeEffects(fx, r.effects), reply: "claimed", by: row.name };
}

/** How many of a number's texts are looked at for its reply: the live alarms it was told of are among the newest. */
const REPLY_LOOKBACK = 200;

/**
 * An inbound SMS. "1 #12" claims alert 12 if this number was texted about it; a bare "1" claims the
 * one live alert it was texted about, and with several it gets a question back, never a guess.
 */
export function smsReply(ctx: AlertContext, from: string, body: string, now: number): KeyResult {
  const reply = parseReply(body);
  if (!reply) return { effects: emptyEffects(), reply: "unknown" };
  const rows = ctx.db.select({ n: notifications, alertId: alerts.id, priority: alerts.priority }).from(notifications).innerJoin(alerts, eq(alerts.id, notifications.alertId))
    .where(and(eq(notifications.toPhone, from), eq(notifications.channel, "sms"), isNotNull(notifications.contactId), notInArray(alerts.state, ["resolved", "cancelled"])))
    .orderBy(desc(notifications.id)).limit(REPLY_LOOKBACK).all();
  const target = replyTarget(reply, rows.map((r) => r.alertId));
  if (target.type === "alert") return keyPress(ctx, rows.find((r) => r.alertId === target.alertId)!.n.id, reply.digit, now);
  if (target.type === "none" || reply.digit !== "1") return { effects: emptyEffects(), reply: "unknown" };
  // the question rides with the newest alarm, at the most urgent one's priority
  const newest = rows[0]!;
  const alert = getAlert(ctx.db, newest.alertId)!;
  const priority = Math.min(...rows.map((r) => r.priority));
  const to = { contactId: newest.n.contactId, name: newest.n.name, phone: from, language: newest.n.language };
  const fx = emptyEffects();
  fx.events.push(queueRow(ctx, alert, to, "sms", "question", texts.whichAlarmSms(target.alertIds, to.language), now, { priority }));
  fx.wakeOutbox = true;
  return { effects: fx, reply: "asked" };
}
