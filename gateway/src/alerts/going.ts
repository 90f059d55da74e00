/**
 * A person on the way ("going" is said only of a person on the way): a contact's 1 on the call or by
 * SMS, a patrol member's "on my way". The first 1 of an open alert
 * claims it; on an alert the community centre already has, the person is recorded as going. Either
 * way the arrival timer starts afresh, the device says who is coming and the others are told.
 * Runs inside the caller's transaction.
 */
import type { ConsoleEvent, GoingVia, Language } from "@helpkey/shared";
import { decideGoing } from "../engine/alert-engine";
import { arrivalDue } from "../engine/arrival";
import { texts } from "../notify/texts";
import { getAlert, toAlertView, transitionAlert, type AlertPatch, type AlertRow } from "../store/alerts";
import { appendEvent, lastGoing, type GoingRecord } from "../store/events";
import type { HouseholdInfo } from "../store/household-info";
import { getPatrol } from "../users/patrol-store";
import type { AlertContext } from "./context";
import { deviceAcks } from "./device-acks";
import { emptyEffects, type Effects } from "./effects";
import { CONFIRM_CALLS, factsOf, queueFollowUp, stopCalls, type Recipient } from "./notify-plan";

export interface Goer {
  name: string;
  via: GoingVia;
  contactId?: number | null;
  patrolMemberId?: number;
  /** Where they can be asked later when they are neither a contact nor a patrol member (the supervisor). */
  phone?: string;
  language?: Language;
}

export type GoingResult =
  | { ok: true; effects: Effects; alert: AlertRow; claimed: boolean }
  | { ok: false; reply: "already" | "closed" | "unknown"; by?: string };

/** The console event of the step: a claim is an acknowledge; the patrol's is its responder step. */
export interface GoingEvent {
  type: ConsoleEvent["type"];
  data?: Record<string, unknown>;
}

export function markGoing(ctx: AlertContext, alertId: number, goer: Goer, now: number, event?: GoingEvent): GoingResult {
  const alert = getAlert(ctx.db, alertId);
  const info = alert && ctx.dir.get(alert.householdId);
  if (!alert || !info) return { ok: false, reply: "unknown" };
  const d = decideGoing(alert, goer.name, goer.via === "patrol");
  if (d.type === "closed") return { ok: false, reply: "closed" };
  if (d.type === "already") return { ok: false, reply: "already", by: d.by };

  const claim = d.type === "claim";
  const patch: AlertPatch = {
    goingBy: goer.name, goingVia: goer.via, goingAt: now, overdueAt: null,
    arrivalDueAt: arrivalDue({ kind: alert.kind, arrivedAt: claim ? null : alert.arrivedAt, maintenance: alert.maintenance }, now, info.policy),
    ...(claim ? { state: "acknowledged" as const, acknowledgedBy: goer.name, acknowledgedAt: now } : {}),
  };
  const updated = transitionAlert(ctx.db, alert.id, alert.state, patch);
  if (!updated) return { ok: false, reply: "already" };

  const fx = emptyEffects();
  const going: GoingRecord = {
    name: goer.name, ...(goer.contactId ? { contactId: goer.contactId } : {}), ...(goer.patrolMemberId ? { patrolMemberId: goer.patrolMemberId } : {}),
    ...(!goer.contactId && !goer.patrolMemberId && goer.phone ? { phone: goer.phone, language: goer.language ?? info.communityLanguage } : {}),
  };
  const type = event?.type ?? (claim ? "alert.acknowledged" : "alert.going");
  fx.events.push(appendEvent(ctx.db, { type, ts: now, communityId: updated.communityId, actor: goer.name, alert: toAlertView(updated, ctx.dir) }, { data: { ...event?.data, going } }));
  // an open alert's cascade ends; a question to someone else about getting there is moot now
  if (claim || alert.overdueAt !== null) {
    const stop = claim ? stopCalls(ctx, alert.id, now, goer.name, { type: "claimed", by: goer.name }) : stopCalls(ctx, alert.id, now, null, { type: "settled" }, CONFIRM_CALLS);
    fx.events.push(...stop.events);
    fx.cancelCalls.push(...stop.hangUp);
    fx.endCalls.push(...stop.endCalls);
  }
  const facts = factsOf(updated, info);
  fx.events.push(...queueFollowUp(ctx, updated, info, {
    purpose: "going", body: (l) => texts.goingSms(goer.name, now, facts, l), outcome: { type: "going", goer: goer.name, at: now }, skipContactId: goer.contactId ?? null,
  }, now));
  fx.acks.push(...deviceAcks(ctx, updated));
  fx.wakeOutbox = true;
  return { ok: true, effects: fx, alert: updated, claimed: claim };
}

/** The person now on the way, to ask or tell (a contact of the household, or a patrol member); null when only a dispatcher has it. */
export function claimerOf(ctx: AlertContext, alert: AlertRow, info: HouseholdInfo): Recipient | null {
  if (!alert.goingBy) return null;
  const g = lastGoing(ctx.db, alert.id);
  if (!g || g.name !== alert.goingBy) return null;
  if (g.contactId) {
    const c = info.contacts.find((x) => x.id === g.contactId);
    return c ? { contactId: c.id, name: c.name, phone: c.phone, language: c.language } : null;
  }
  if (g.patrolMemberId) {
    const m = getPatrol(ctx.db, g.patrolMemberId);
    return m && m.retiredAt === null ? { contactId: null, name: m.name, phone: m.phone, language: m.language } : null;
  }
  return g.phone ? { contactId: null, name: g.name, phone: g.phone, language: g.language ?? info.communityLanguage } : null;
}
