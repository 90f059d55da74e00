/**
 * Requests about live calls as outbox rows of channel "control": a hang-up (a call still ringing, a
 * voicemail, a call placed after its alert was claimed) or "say this, then hang up" (an answered
 * call whose alert someone else took). The flows decide them inside their transactions
 * (Effects.cancelCalls, Effects.endCalls); stored here, before any request is made, they are
 * retried on a transient failure like any other row and sent ahead of new calls, outside the
 * calls-per-second limit (they start nothing). The row copies its call's alert and person; its
 * target_sid names the call, its body holds the TwiML (none for a plain hang-up).
 */
import type { Logger } from "pino";
import type { ConsoleEvent } from "@helpkey/shared";
import type { AlertContext } from "../alerts/context";
import type { Effects } from "../alerts/effects";
import { notificationEvent } from "../alerts/notify-plan";
import { callBySid, insertNotification } from "../store/notifications";
import type { PhoneChannel } from "./phone-channel";
import { sayAndHangUp } from "./twiml";

export interface CallControlRequest {
  sid: string;
  /** TwiML to play before the call ends; null: hang up at once. */
  twiml: string | null;
}

/** The control requests of one set of effects, one per call (an ending message wins over a bare hang-up). */
export function controlRequests(fx: Pick<Effects, "cancelCalls" | "endCalls">): CallControlRequest[] {
  const bySid = new Map<string, CallControlRequest>();
  for (const c of fx.endCalls) bySid.set(c.sid, { sid: c.sid, twiml: sayAndHangUp(c.text, c.language) });
  for (const sid of fx.cancelCalls) if (!bySid.has(sid)) bySid.set(sid, { sid, twiml: null });
  return [...bySid.values()];
}

/**
 * Stores the rows (inside the caller's transaction); returns their console events. A call the
 * outbox has no row for is skipped: every call the gateway placed has one.
 */
export function queueCallControl(ctx: AlertContext, requests: CallControlRequest[], now: number): { events: ConsoleEvent[]; skipped: string[] } {
  const events: ConsoleEvent[] = [];
  const skipped: string[] = [];
  for (const r of requests) {
    const call = callBySid(ctx.db, r.sid);
    if (!call) {
      skipped.push(r.sid);
      continue;
    }
    const row = insertNotification(ctx.db, {
      alertId: call.alertId, communityId: call.communityId, contactId: call.contactId, name: call.name, toPhone: call.toPhone, language: call.language,
      channel: "control", purpose: r.twiml === null ? "hangup" : "end-call", priority: 0, wave: 0, round: 1, targetSid: r.sid, body: r.twiml,
      status: "queued", attempts: 0, nextAttemptAt: now, createdAt: now, updatedAt: now,
    });
    events.push(notificationEvent(ctx, row, now, null));
  }
  return { events, skipped };
}

export interface StoreCallControlOptions {
  ctx: AlertContext;
  fx: Pick<Effects, "cancelCalls" | "endCalls">;
  now: () => number;
  /** Asked directly only when the rows cannot be stored (a failing database): a best effort, as no row remembers it. */
  channel: PhoneChannel;
  logger: Logger;
  /** The rows are stored: their console events, and the outbox to wake. */
  stored(events: ConsoleEvent[]): void;
}

/**
 * The control rows of committed effects, in a transaction of their own right after the change
 * that decided them (the turn's group commit, store/write-batch.ts).
 */
export function storeCallControl(o: StoreCallControlOptions): void {
  const requests = controlRequests(o.fx);
  if (requests.length === 0) return;
  o.ctx.writes.run(() => queueCallControl(o.ctx, requests, o.now())).then(
    (r) => {
      if (r.skipped.length > 0) o.logger.warn({ sids: r.skipped }, "a call to end has no outbox row; left to end by itself");
      o.stored(r.events);
    },
    (err: unknown) => {
      o.logger.error({ err, calls: requests.length }, "storing hang-ups failed; asking the provider once, without retries");
      for (const r of requests) {
        const req = r.twiml === null ? o.channel.hangUp(r.sid) : o.channel.redirect(r.sid, r.twiml);
        req.catch((e: unknown) => o.logger.warn({ err: String(e), sid: r.sid }, "ending a call failed"));
      }
    },
  );
}
