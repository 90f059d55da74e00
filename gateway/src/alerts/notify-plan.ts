/**
 * Turns alert decisions into outbox rows: the alarm SMS at once, the call cascade's waves
 * (engine/cascade.ts) as they come due, the follow-up texts. Runs inside the caller's transaction.
 */
import type { ConsoleEvent, Language } from "@helpkey/shared";
import { planCascade, planWaves, smsRecipients, SUPERVISOR_WAVE, type CallRecord } from "../engine/cascade";
import { texts, type AlarmFacts } from "../notify/texts";
import { setCascadeDue, type AlertRow } from "../store/alerts";
import { appendEvent } from "../store/events";
import type { HouseholdInfo } from "../store/household-info";
import { insertNotification, notificationsOfAlert, toNotificationView, updateNotification, type NotificationRow } from "../store/notifications";
import type { AlertContext } from "./context";
import type { Effects } from "./effects";

/** Call statuses after which a call can no longer claim the alert. */
export const CALL_ENDED = new Set(["no-answer", "busy", "failed", "cancelled", "voicemail", "pressed2", "completed"]);
/** Rows not yet handed to the provider, or still live there. */
const PENDING = new Set(["queued", "sending"]);
const LIVE_CALL = new Set(["sent", "ringing", "in-progress", "answered"]);
const ANSWERED = new Set(["in-progress", "answered"]);

export function factsOf(alert: AlertRow, info: HouseholdInfo): AlarmFacts {
  return { alertId: alert.id, kind: alert.kind, address: info.address, residents: info.residents, at: alert.firstPressAt };
}

interface Recipient {
  contactId: number | null;
  name: string;
  phone: string;
  language: Language;
}

function queue(ctx: AlertContext, alert: AlertRow, to: Recipient, channel: "sms" | "call", purpose: string, wave: number, round: number, body: string | null, now: number): ConsoleEvent {
  const row = insertNotification(ctx.db, {
    alertId: alert.id, communityId: alert.communityId, contactId: to.contactId, name: to.name, toPhone: to.phone, language: to.language,
    channel, purpose, wave, round, body, status: "queued", attempts: 0, nextAttemptAt: now, createdAt: now, updatedAt: now,
  });
  return notificationEvent(ctx, row, now, null);
}

export function notificationEvent(ctx: AlertContext, row: NotificationRow, now: number, actor: string | null): ConsoleEvent {
  return appendEvent(ctx.db, { type: "notification.updated", ts: now, communityId: row.communityId, actor, notification: toNotificationView(row) });
}

/** A new alert: the alarm SMS to every contact (wave = their priority rank), then the cascade's first wave. */
export function queueAlarm(ctx: AlertContext, alert: AlertRow, info: HouseholdInfo, now: number): ConsoleEvent[] {
  const facts = factsOf(alert, info);
  const waves = planWaves(info.contacts);
  const waveOf = (id: number) => waves.findIndex((w) => w.includes(id)) + 1;
  const canClaim = alert.kind !== "service";
  const out = smsRecipients(alert.kind, info.contacts).map((c) =>
    queue(ctx, alert, { contactId: c.id, name: c.name, phone: c.phone, language: c.language }, "sms", "alarm", waveOf(c.id), 1, texts.alarmSms(facts, c.language, canClaim), now),
  );
  return out.concat(runCascade(ctx, alert, info, now));
}

/**
 * An alert's due work (the outbox runs it when alerts.cascade_due_at has come): a new alert's
 * first plan (queueAlarm) when nothing is queued for it yet, else the cascade's next step. An
 * alert that left `open` before its first plan ran is not planned: as for alarm texts still
 * queued when an alert is claimed or cancelled (queueFollowUp), nobody is texted about it.
 */
export function runDue(ctx: AlertContext, alert: AlertRow, info: HouseholdInfo, now: number): ConsoleEvent[] {
  if (alert.state !== "open") {
    setCascadeDue(ctx.db, alert.id, null);
    return [];
  }
  return notificationsOfAlert(ctx.db, alert.id).length === 0 ? queueAlarm(ctx, alert, info, now) : runCascade(ctx, alert, info, now);
}

/** Asks the pure cascade what is due now, queues those calls and stores the next due time. */
export function runCascade(ctx: AlertContext, alert: AlertRow, info: HouseholdInfo, now: number): ConsoleEvent[] {
  const calls = notificationsOfAlert(ctx.db, alert.id).filter((n) => n.channel === "call");
  const records: CallRecord[] = calls.map((c) => ({ contactId: c.contactId, wave: c.wave, round: c.round, startedAt: c.createdAt, ended: CALL_ENDED.has(c.status) }));
  const plan = planCascade({
    state: alert.state, kind: alert.kind, firstPressAt: alert.firstPressAt, contacts: info.contacts,
    hasSupervisor: Boolean(info.supervisorPhone), calls: records, now, policy: info.policy,
  });
  const out: ConsoleEvent[] = [];
  for (const p of plan.calls) {
    const c = p.contactId === null ? null : info.contacts.find((x) => x.id === p.contactId);
    const to: Recipient = c
      ? { contactId: c.id, name: c.name, phone: c.phone, language: c.language }
      : { contactId: null, name: info.communityLanguage === "zh-CN" ? "值班主管" : "Supervisor", phone: info.supervisorPhone!, language: info.communityLanguage };
    out.push(queue(ctx, alert, to, "call", p.wave === SUPERVISOR_WAVE ? "supervisor" : "call", p.wave, p.round, null, now));
  }
  setCascadeDue(ctx.db, alert.id, plan.nextCheckAt);
  return out;
}

/**
 * The alert left `open` (claimed, acknowledged, cancelled): calls not yet placed are cancelled,
 * live ones are returned to be hung up.
 */
export function stopCalls(ctx: AlertContext, alertId: number, now: number, actor: string | null, why: "claimed" | "cancelled"): { events: ConsoleEvent[]; hangUp: string[]; endCalls: Effects["endCalls"] } {
  const events: ConsoleEvent[] = [];
  const hangUp: string[] = [];
  const endCalls: Effects["endCalls"] = [];
  for (const n of notificationsOfAlert(ctx.db, alertId)) {
    if (n.channel !== "call") continue;
    if (PENDING.has(n.status)) {
      events.push(notificationEvent(ctx, updateNotification(ctx.db, n.id, { status: "cancelled", updatedAt: now }), now, actor));
    } else if (ANSWERED.has(n.status) && n.providerSid) {
      // Someone is listening to the prompt: say who is going (or that it was cancelled) before hanging up.
      const text = why === "claimed" && actor ? texts.callAlreadyClaimed(actor, n.language) : texts.callCancelled(n.language);
      endCalls.push({ sid: n.providerSid, text, language: n.language });
    } else if (LIVE_CALL.has(n.status) && n.providerSid) {
      hangUp.push(n.providerSid);
    }
  }
  setCascadeDue(ctx.db, alertId, null);
  return { events, hangUp, endCalls };
}

/** A follow-up SMS ("X is going", "resolved", "cancelled") to every contact who had the alarm SMS, except `skipContactId`. */
export function queueFollowUp(ctx: AlertContext, alert: AlertRow, info: HouseholdInfo, purpose: string, body: (lang: Language) => string, now: number, skipContactId?: number | null): ConsoleEvent[] {
  const alarmed = notificationsOfAlert(ctx.db, alert.id).filter((n) => n.channel === "sms" && n.purpose === "alarm");
  const out: ConsoleEvent[] = [];
  for (const n of alarmed) {
    if (n.contactId !== null && n.contactId === skipContactId) continue;
    if (n.status === "queued") {
      // Never sent: the alarm text is moot now, send only the follow-up.
      out.push(notificationEvent(ctx, updateNotification(ctx.db, n.id, { status: "cancelled", updatedAt: now }), now, null));
      continue;
    }
    if (n.status === "failed" || n.status === "cancelled") continue;
    out.push(queue(ctx, alert, { contactId: n.contactId, name: n.name, phone: n.toPhone, language: n.language }, "sms", purpose, n.wave, 1, body(n.language), now));
  }
  return out;
}
