/**
 * Turns alert decisions into outbox rows: the alarm SMS at once, the call cascade's waves
 * (engine/cascade.ts) as they come due, the follow-up texts. Runs inside the caller's transaction.
 * Every row carries its alert's priority (the send queue's first key); escalations carry 0.
 * The household's help-group members are among its contacts (after the family's waves), under the
 * same rules; an alert raised in maintenance queues nothing for anyone.
 */
import type { ConsoleEvent, Language } from "@helpkey/shared";
import { alarmRecipients, notifiesPeople, planCascade, planWaves, SUPERVISOR_WAVE, type CallRecord } from "../engine/cascade";
import { drillQuiet } from "../drills/running-drills";
import { windowEndsAt } from "../engine/waking-hours";
import { serviceTexts } from "../notify/service-texts";
import { texts, type AlarmFacts, type Outcome } from "../notify/texts";
import { setCascadeDue, type AlertRow } from "../store/alerts";
import { appendEvent } from "../store/events";
import type { HouseholdInfo } from "../store/household-info";
import { insertNotification, notificationsOfAlert, setQueuedPriority, toNotificationView, updateNotification, type NotificationRow } from "../store/notifications";
import type { AlertContext } from "./context";
import type { Effects } from "./effects";
import { serviceRecipients } from "./service-route";
import { faultTextEvent } from "../supervision/fault-view";

/** Call statuses after which a call can no longer claim the alert. */
export const CALL_ENDED = new Set(["no-answer", "busy", "failed", "cancelled", "voicemail", "pressed2", "completed"]);
/** Rows not yet handed to the provider, or still live there. */
const PENDING = new Set(["queued", "sending"]);
const LIVE_CALL = new Set(["sent", "ringing", "in-progress", "answered"]);
const ANSWERED = new Set(["in-progress", "answered"]);
/** An SMS the provider took: the contact has it, or will. */
const SMS_WENT = new Set(["sending", "sent", "delivered"]);
const SMS_FAILED = new Set(["failed", "undelivered"]);
/** Priority of escalations (the supervisor's call, the person on the way asked to confirm): never behind the queue. */
export const ESCALATION_PRIORITY = 0;

/** The alarm's facts for a text; `at` defaults to the first press (an upgrade names its own press). */
export function factsOf(alert: AlertRow, info: HouseholdInfo, at = alert.firstPressAt): AlarmFacts {
  return { alertId: alert.id, kind: alert.kind, address: info.address, residents: info.residents, at, timeZone: info.policy.timeZone };
}

export interface Recipient {
  contactId: number | null;
  name: string;
  phone: string;
  language: Language;
}

export interface QueueOptions {
  wave?: number;
  round?: number;
  priority?: number;
}

/** A service text queued during quiet hours waits until they end; emergencies never wait. */
function quietUntil(ctx: AlertContext, alert: AlertRow, channel: "sms" | "call", now: number): number | null {
  if (alert.kind !== "service" || channel !== "sms") return null;
  const policy = ctx.dir.get(alert.householdId)?.policy;
  return policy?.quietHours ? windowEndsAt(now, policy.quietHours, policy.timeZone) : null;
}

/** One outbox row, queued now (due now, or when quiet hours end), and its console event. */
export function queueRow(ctx: AlertContext, alert: AlertRow, to: Recipient, channel: "sms" | "call", purpose: string, body: string | null, now: number, o: QueueOptions = {}): ConsoleEvent {
  const row = insertNotification(ctx.db, {
    alertId: alert.id, communityId: alert.communityId, contactId: to.contactId, name: to.name, toPhone: to.phone, language: to.language,
    channel, purpose, wave: o.wave ?? 1, round: o.round ?? 1, priority: o.priority ?? alert.priority, body, status: "queued", attempts: 0,
    nextAttemptAt: quietUntil(ctx, alert, channel, now) ?? now, createdAt: now, updatedAt: now,
  });
  return notificationEvent(ctx, row, now, null);
}

export function notificationEvent(ctx: AlertContext, row: NotificationRow, now: number, actor: string | null): ConsoleEvent {
  // a fault's text moves its fault on the console (`fault.updated`), not an alert's card
  if (row.alertId === null) return faultTextEvent(ctx, row, now, actor);
  return appendEvent(ctx.db, { type: "notification.updated", ts: now, communityId: row.communityId, actor, notification: toNotificationView(row) });
}

function cancelRow(ctx: AlertContext, row: NotificationRow, now: number): ConsoleEvent {
  return notificationEvent(ctx, updateNotification(ctx.db, row.id, { status: "cancelled", updatedAt: now }), now, null);
}

const waveOf = (info: HouseholdInfo) => {
  const waves = planWaves(info.contacts);
  return (id: number) => waves.findIndex((w) => w.includes(id)) + 1;
};

/** A new alert: the alarm SMS to every contact (wave = their priority rank), then the cascade's first wave. */
export function queueAlarm(ctx: AlertContext, alert: AlertRow, info: HouseholdInfo, now: number): ConsoleEvent[] {
  if (alert.kind === "service") return queueServiceRequest(ctx, alert, info, now);
  const facts = factsOf(alert, info);
  const wave = waveOf(info);
  const out = alarmRecipients({ ...alert, drillQuiet: drillQuiet(ctx.db, alert) }, info.contacts).map((c) =>
    queueRow(ctx, alert, { contactId: c.id, name: c.name, phone: c.phone, language: c.language }, "sms", "alarm", texts.alarmSms(facts, c.language, true), now, { wave: wave(c.id) }),
  );
  return out.concat(runCascade(ctx, alert, info, now));
}

/** A service request or welfare check: a text to each of its recipients (service-route.ts), no calls. */
function queueServiceRequest(ctx: AlertContext, alert: AlertRow, info: HouseholdInfo, now: number): ConsoleEvent[] {
  const facts = {
    alertId: alert.id, address: info.address, residents: info.residents, category: alert.category, categories: info.serviceCategories,
    at: alert.firstPressAt, answerDueAt: alert.answerDueAt, timeZone: info.policy.timeZone,
  };
  setCascadeDue(ctx.db, alert.id, null);
  if (!notifiesPeople(alert)) return [];
  return serviceRecipients(info, alert.category).to.map((to) => queueRow(ctx, alert, to, "sms", "alarm", serviceTexts.requestSms(facts, to.language), now));
}

/**
 * An alert's due work (the outbox runs it when alerts.cascade_due_at has come): a new alert's
 * first plan (queueAlarm) when nothing is queued for it yet, else the cascade's next step. An
 * alert that left `open` before its first plan ran is not planned here: whoever left it open told
 * the contacts (queueFollowUp sends the alarm and its outcome in one text).
 */
export function runDue(ctx: AlertContext, alert: AlertRow, info: HouseholdInfo, now: number): ConsoleEvent[] {
  if (alert.state !== "open") {
    setCascadeDue(ctx.db, alert.id, null);
    return [];
  }
  return notificationsOfAlert(ctx.db, alert.id).length === 0 ? queueAlarm(ctx, alert, info, now) : runCascade(ctx, alert, info, now);
}

/** The community's supervisor as a recipient (null when the community has none). */
export function supervisorOf(info: HouseholdInfo): Recipient | null {
  if (!info.supervisorPhone) return null;
  return { contactId: null, name: info.communityLanguage === "zh-CN" ? "值班主管" : "Supervisor", phone: info.supervisorPhone, language: info.communityLanguage };
}

/** Asks the pure cascade what is due now, queues those calls and stores the next due time. */
export function runCascade(ctx: AlertContext, alert: AlertRow, info: HouseholdInfo, now: number): ConsoleEvent[] {
  const calls = notificationsOfAlert(ctx.db, alert.id).filter((n) => n.channel === "call" && (n.purpose === "call" || n.purpose === "supervisor"));
  // a call where someone pressed 1 is over too: if the alert is open again, that claim came to nothing
  const records: CallRecord[] = calls.map((c) => ({ contactId: c.contactId, wave: c.wave, round: c.round, startedAt: c.createdAt, ended: CALL_ENDED.has(c.status) || c.status === "pressed1" }));
  const plan = planCascade({
    state: alert.state, kind: alert.kind, firstPressAt: alert.firstPressAt, contacts: info.contacts,
    hasSupervisor: Boolean(info.supervisorPhone), calls: records, now, policy: info.policy, maintenance: alert.maintenance, drillQuiet: drillQuiet(ctx.db, alert),
    since: alert.realAt,
  });
  const out: ConsoleEvent[] = [];
  for (const p of plan.calls) {
    const c = p.contactId === null ? null : info.contacts.find((x) => x.id === p.contactId);
    const supervisor = p.wave === SUPERVISOR_WAVE;
    const to: Recipient | null = c ? { contactId: c.id, name: c.name, phone: c.phone, language: c.language } : supervisorOf(info);
    if (!to) continue;
    out.push(queueRow(ctx, alert, to, "call", supervisor ? "supervisor" : "call", null, now, { wave: p.wave, round: p.round, ...(supervisor ? { priority: ESCALATION_PRIORITY } : {}) }));
  }
  setCascadeDue(ctx.db, alert.id, plan.nextCheckAt);
  return out;
}

/**
 * The alert left `open` (claimed, acknowledged, cancelled): calls not yet placed are cancelled,
 * live ones are returned to be hung up. `who` is said to anyone listening to a prompt.
 */
export type StopReason = { type: "claimed"; by: string } | { type: "handling"; by: string } | { type: "cancelled" } | { type: "settled" };

/** The calls of `purposes` only (e.g. the confirm call), leaving the cascade's timer alone; all calls by default. */
export const CONFIRM_CALLS: ReadonlySet<string> = new Set(["confirm"]);

export function stopCalls(ctx: AlertContext, alertId: number, now: number, actor: string | null, why: StopReason, purposes?: ReadonlySet<string>): { events: ConsoleEvent[]; hangUp: string[]; endCalls: Effects["endCalls"] } {
  const events: ConsoleEvent[] = [];
  const hangUp: string[] = [];
  const endCalls: Effects["endCalls"] = [];
  for (const n of notificationsOfAlert(ctx.db, alertId)) {
    if (n.channel !== "call" || (purposes && !purposes.has(n.purpose))) continue;
    if (PENDING.has(n.status)) {
      events.push(notificationEvent(ctx, updateNotification(ctx.db, n.id, { status: "cancelled", updatedAt: now }), now, actor));
    } else if (ANSWERED.has(n.status) && n.providerSid) {
      // Someone is listening to the prompt: say why the call ends before hanging up.
      const text = why.type === "claimed" ? texts.callAlreadyClaimed(why.by, n.language)
        : why.type === "handling" ? texts.callCentreHandling(why.by, n.language)
        : why.type === "settled" ? texts.confirmSettled(n.language) : texts.callCancelled(n.language);
      endCalls.push({ sid: n.providerSid, text, language: n.language });
    } else if (LIVE_CALL.has(n.status) && n.providerSid) {
      hangUp.push(n.providerSid);
    }
  }
  if (!purposes) setCascadeDue(ctx.db, alertId, null);
  return { events, hangUp, endCalls };
}

interface Told {
  to: Recipient;
  wave: number;
  rows: NotificationRow[];
}

/** Every contact the alert's texts are for (the alarm's recipients, and anyone texted about it before), with their texts so far. */
function toldOf(ctx: AlertContext, alert: AlertRow, info: HouseholdInfo): Map<number, Told> {
  const wave = waveOf(info);
  const out = new Map<number, Told>();
  // a service request's contacts are those its route texted (grid workers and named contacts get no follow-ups)
  const base: Recipient[] = !notifiesPeople(alert) ? []
    : alert.kind === "service" ? serviceRecipients(info, alert.category).to.filter((r) => r.contactId !== null)
    : alarmRecipients({ ...alert, drillQuiet: drillQuiet(ctx.db, alert) }, info.contacts).map((c) => ({ contactId: c.id, name: c.name, phone: c.phone, language: c.language }));
  for (const r of base) out.set(r.contactId!, { to: r, wave: wave(r.contactId!), rows: [] });
  for (const n of notificationsOfAlert(ctx.db, alert.id)) {
    if (n.channel !== "sms" || n.contactId === null) continue;
    let t = out.get(n.contactId);
    if (!t) out.set(n.contactId, (t = { to: { contactId: n.contactId, name: n.name, phone: n.toPhone, language: n.language }, wave: n.wave, rows: [] }));
    t.rows.push(n);
  }
  return out;
}

/** Every text to this contact so far failed (a wrong number): not worth another. */
const onlyFailed = (t: Told) => t.rows.some((n) => SMS_FAILED.has(n.status)) && !t.rows.some((n) => SMS_WENT.has(n.status));

export interface FollowUp {
  purpose: string;
  /** The text for a contact who has had the alarm. */
  body: (lang: Language) => string;
  /** What became of the alarm, for one text with the alarm itself to a contact whose alarm text never went out. */
  outcome: Outcome;
  /** Not told (the person who claimed it); their unsent texts are withdrawn all the same. */
  skipContactId?: number | null;
}

/**
 * A follow-up to every contact of the alarm: every bound contact learns of every alarm. A contact's
 * texts still waiting are withdrawn (a question which alarm they meant stays): only the latest news
 * goes out. Who had a text gets the follow-up; who had none gets one text with the alarm and its
 * outcome. A cancel before any text went out is the resident's mistake withdrawn in time: nobody is
 * texted about it. A contact whose every text failed (a wrong number) is not tried again.
 */
export function queueFollowUp(ctx: AlertContext, alert: AlertRow, info: HouseholdInfo, f: FollowUp, now: number): ConsoleEvent[] {
  const told = toldOf(ctx, alert, info);
  const anyWent = [...told.values()].some((t) => t.rows.some((n) => SMS_WENT.has(n.status)));
  const facts = factsOf(alert, info);
  const out: ConsoleEvent[] = [];
  for (const [contactId, t] of told) {
    for (const n of t.rows) if (n.status === "queued" && n.purpose !== "question") out.push(cancelRow(ctx, n, now));
    if (contactId === f.skipContactId) continue;
    const went = t.rows.some((n) => SMS_WENT.has(n.status));
    if (!went && onlyFailed(t)) continue;
    if (!went && f.outcome.type === "cancelled" && !anyWent) continue;
    const body = went ? f.body(t.to.language) : texts.alarmWithOutcomeSms(facts, f.outcome, t.to.language);
    out.push(queueRow(ctx, alert, t.to, "sms", f.purpose, body, now, { wave: t.wave }));
  }
  return out;
}

/** What the contacts are told with an alarm once someone has it: who is going, or that the centre is handling it. */
export function outcomeOf(alert: AlertRow): Outcome | null {
  if (alert.state === "open") return null;
  if (alert.goingBy) return { type: "going", goer: alert.goingBy, at: alert.goingAt ?? alert.lastPressAt };
  return { type: "handling", dispatcher: alert.acknowledgedBy ?? "" };
}

/**
 * Every contact of the alarm who has had no text about it yet (the family a quiet drill left out,
 * once the alarm is found real) gets it now: the alarm, or the alarm with who has it.
 */
export function queueUntold(ctx: AlertContext, alert: AlertRow, info: HouseholdInfo, now: number): ConsoleEvent[] {
  const facts = factsOf(alert, info);
  const outcome = outcomeOf(alert);
  const out: ConsoleEvent[] = [];
  for (const t of toldOf(ctx, alert, info).values()) {
    if (t.rows.length > 0) continue;
    const body = outcome ? texts.alarmWithOutcomeSms(facts, outcome, t.to.language) : texts.alarmSms(facts, t.to.language, true);
    out.push(queueRow(ctx, alert, t.to, "sms", "alarm", body, now, { wave: t.wave }));
  }
  return out;
}

/** Waiting texts the upgraded alarm says again (a question to the person on the way is theirs to keep). */
const SUPERSEDED_BY_UPGRADE = new Set(["alarm", "going", "handling", "reopened"]);

/**
 * A press raised the alert to a more urgent kind: its waiting rows move up the queue, and every
 * contact of the new kind gets its alarm at once, as a new alarm's would (a service request was
 * texted to the grid worker only). While open, the calls are due now; once someone has it, the
 * text says who. Before the first plan ran there is nothing to redo: it plans the new kind.
 */
export function queueUpgrade(ctx: AlertContext, alert: AlertRow, info: HouseholdInfo, outcome: Outcome | null, now: number): ConsoleEvent[] {
  setQueuedPriority(ctx.db, alert.id, alert.priority);
  if (alert.state === "open" && notificationsOfAlert(ctx.db, alert.id).length === 0) return [];
  const facts = factsOf(alert, info, alert.lastPressAt);
  const out: ConsoleEvent[] = [];
  for (const t of toldOf(ctx, alert, info).values()) {
    for (const n of t.rows) if (n.status === "queued" && SUPERSEDED_BY_UPGRADE.has(n.purpose)) out.push(cancelRow(ctx, n, now));
    if (onlyFailed(t)) continue;
    const body = outcome ? texts.alarmWithOutcomeSms(facts, outcome, t.to.language) : texts.alarmSms(facts, t.to.language, alert.kind !== "service");
    out.push(queueRow(ctx, alert, t.to, "sms", "alarm", body, now, { wave: t.wave }));
  }
  if (alert.state === "open") setCascadeDue(ctx.db, alert.id, now);
  return out;
}
