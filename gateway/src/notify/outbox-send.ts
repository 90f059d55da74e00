/**
 * The outbox's sending half: picks due rows in queue order (store/outbox-queue.ts) within the
 * provider's limits, marks them `sending` (committed) before the provider is asked, so a crash
 * re-sends them (at-least-once), and stores each answer.
 *
 *   - per channel: control (live-call hang-ups and redirects) first, then texts, then calls; each
 *     with its own in-flight slots, so a flood of one never holds back another;
 *   - texts rotate through their senders, each at its own rate; calls at the account's rate;
 *     control rows start nothing and wait for no rate;
 *   - a failed row waits out its own backoff while the rows behind it go on; "too many requests"
 *     (429 / 20429) pauses its whole channel instead (the account is congested), and after the
 *     pause one request probes at a time until one goes through;
 *   - a row left `sending` with no request of this process under way (its answer could not be
 *     stored) goes back to the queue after STUCK_AFTER_MS, counted and logged.
 */
import type { Logger } from "pino";
import type { Channel } from "@helpkey/shared";
import type { AlertContext } from "../alerts/context";
import { emptyEffects, type Effects } from "../alerts/effects";
import { notificationEvent } from "../alerts/notify-plan";
import type { Metrics } from "../metrics/metrics";
import { getAlert } from "../store/alerts";
import { faultHouseholdId } from "../store/device-faults";
import { getNotification, updateNotification, type NotificationRow } from "../store/notifications";
import { dueRows, nextRetryAt, requeueRow, sendingSince } from "../store/outbox-queue";
import { InFlightLimit } from "./in-flight-limit";
import { classifyError, type PhoneChannel } from "./phone-channel";
import { ChannelPause, rowRetryMs } from "./retry-timing";
import { SenderPool } from "./sender-pool";

export interface OutboxRates {
  /** Texts a second per sender (a From number; a Messaging Service counts as `smsPoolSize` of them). */
  smsPerSecond: number;
  /** Calls a second for the account. */
  callsPerSecond: number;
  maxInFlight: number;
}

/** Who texts and calls go out from (config.ts "senders"). */
export interface OutboxSenders {
  /** From numbers, or one Messaging Service sid (MG…). */
  sms: string[];
  /** How many numbers one SMS sender stands for: a Messaging Service's pool; 1 for a From number. */
  smsPoolSize: number;
  /** From numbers of the calls. */
  calls: string[];
}

export interface ChannelStatus {
  /** Requests a second the limits allow (null: no rate, control rows). */
  ratePerS: number | null;
  /** Paused after "too many requests" until then (epoch ms); null when sending. */
  pausedUntil: number | null;
  inFlight: number;
}

export interface OutboxSendOptions {
  ctx: AlertContext;
  channel: PhoneChannel;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  dispatch: (fx: Effects) => void;
  /** Base of the webhook URLs the provider calls back (HK_PUBLIC_URL). */
  publicUrl: string;
  rates: OutboxRates;
  senders: OutboxSenders;
  maxAttempts?: number;
  /** The event loop's utilisation since the last call, for the in-flight limit (default: measured; tests pass their own). */
  loopUtilization?: () => number;
  /** A reply was stored: look at the queue again. */
  wake: () => void;
  /** Told when the provider accepts a request, and when it refuses our credentials (the phone channel's health). */
  provider?: { fine(): void; broken(problem: string): void };
  running: () => boolean;
}

const IDLE_POLL_MS = 1000;
/** Tries to store one provider reply (a locked or failing database) before leaving it to the recovery. */
const RECORD_ATTEMPTS = 20;
/** A row `sending` this long with nothing of ours under way is taken back (longer than any request and its recording). */
export const STUCK_AFTER_MS = 60_000;
const RECOVERY_SCAN_MS = 1000;
const CHANNELS = ["control", "sms", "call"] as const;

export class OutboxSender {
  private readonly inFlight: Record<Channel, number> = { sms: 0, call: 0, control: 0 };
  /** Rows whose request or reply this process still holds: never taken back as stuck. */
  private readonly held = new Set<number>();
  private readonly pools: { sms: SenderPool; call: SenderPool };
  private readonly pauses: Record<Channel, ChannelPause> = { sms: new ChannelPause(), call: new ChannelPause(), control: new ChannelPause() };
  /** HK_MAX_IN_FLIGHT, lowered while the event loop is overloaded: the acks come first (in-flight-limit.ts). */
  private readonly limit: InFlightLimit;
  private lastRecoveryAt = 0;

  constructor(private readonly o: OutboxSendOptions) {
    const max = o.rates.maxInFlight;
    this.limit = new InFlightLimit({
      max,
      ...(o.loopUtilization ? { utilization: o.loopUtilization } : {}),
      onChange: (limit, u) =>
        limit < max
          ? o.logger.info({ limit, max, loop: Math.round(u * 100) / 100 }, "event loop overloaded: fewer provider requests at once, notifications wait in their queue")
          : o.logger.info({ limit }, "event loop has room again: provider requests back to their limit"),
    });
    o.metrics.outboxInFlightLimit.set(this.limit.max);
    const t = o.now();
    this.pools = {
      sms: new SenderPool({ senders: o.senders.sms, perSecond: o.rates.smsPerSecond * o.senders.smsPoolSize }, t),
      call: new SenderPool({ senders: o.senders.calls, perSecond: o.rates.callsPerSecond, shared: true }, t),
    };
  }

  /** Per channel: the rate, a pause, the requests under way (the console's backlog). */
  status(): Record<Channel, ChannelStatus> {
    const t = this.o.now();
    const of = (ch: Channel, ratePerS: number | null): ChannelStatus => ({
      ratePerS, pausedUntil: this.pauses[ch].waitMs(t) > 0 ? this.pauses[ch].until : null, inFlight: this.inFlight[ch],
    });
    return { sms: of("sms", this.pools.sms.ratePerSecond), call: of("call", this.pools.call.ratePerSecond), control: of("control", null) };
  }

  /** Sends what the limits allow, in queue order per channel; returns ms until the next look. */
  sendDue(): number {
    const { ctx, now } = this.o;
    const t = now();
    this.recoverStuck(t);
    let wait = IDLE_POLL_MS;
    const picked: { row: NotificationRow; sender: string | undefined }[] = [];
    const maxInFlight = this.limit.value;
    this.o.metrics.outboxInFlightLimit.set(maxInFlight);
    for (const channel of CHANNELS) {
      const paused = this.pauses[channel].waitMs(t);
      if (paused > 0) {
        wait = Math.min(wait, paused);
        continue;
      }
      const pool = channel === "control" ? null : this.pools[channel];
      const tokenWait = pool?.waitMs(t) ?? 0;
      if (tokenWait > 0) {
        wait = Math.min(wait, tokenWait);
        continue;
      }
      // only as many rows as may leave now: every reply wakes the worker, and a storm's queue is long
      const inFlightLimit = this.pauses[channel].probing ? 1 : maxInFlight;
      const slots = Math.min(inFlightLimit - this.inFlight[channel], pool ? pool.available(t) : Infinity);
      if (slots <= 0) continue; // a reply wakes us
      const rows = dueRows(ctx.db, channel, t, slots);
      for (const row of rows) {
        const sender = pool ? pool.take(t) : undefined;
        if (sender === null) break;
        picked.push({ row, sender });
      }
      // fewer due rows than slots: the next look is when a row waiting out its backoff is due
      const retryAt = rows.length < slots ? nextRetryAt(ctx.db, channel, t) : null;
      if (retryAt !== null) wait = Math.min(wait, retryAt - t);
      const refill = pool?.waitMs(t) ?? 0;
      if (refill > 0) wait = Math.min(wait, refill);
    }
    if (picked.length > 0) {
      // every row of this tick is marked `sending` in one commit before any request leaves
      ctx.db.$client.transaction(() => {
        for (const { row, sender } of picked) updateNotification(ctx.db, row.id, { status: "sending", attempts: row.attempts + 1, updatedAt: t, sender });
      }).immediate();
      for (const { row, sender } of picked) this.send(row, sender);
    }
    return wait;
  }

  private url(path: string, id: number): string {
    return `${this.o.publicUrl}/twilio/${path}/${id}`;
  }

  private request(row: NotificationRow, sender: string | undefined): Promise<{ sid?: string }> {
    const { ctx, channel } = this.o;
    if (row.channel === "control") {
      const sid = row.targetSid ?? "";
      return (row.body ? channel.redirect(sid, row.body) : channel.hangUp(sid)).then(() => ({}));
    }
    // an alarm's row follows its household's policy; a fault's text its device's household's
    const householdId = row.alertId !== null ? getAlert(ctx.db, row.alertId)?.householdId : row.faultId !== null ? faultHouseholdId(ctx.db, row.faultId) : undefined;
    const policy = householdId !== undefined ? ctx.dir.get(householdId)?.policy : undefined;
    const from = sender === undefined ? {} : { sender };
    return row.channel === "sms"
      ? channel.sendSms({ to: row.toPhone, body: row.body ?? "", statusCallback: this.url("sms-status", row.id), ...(row.purpose === "alarm" ? { validityPeriodS: policy?.smsValidityS ?? 600 } : {}), ...from })
      : channel.startCall({ to: row.toPhone, url: this.url("voice", row.id), statusCallback: this.url("call-status", row.id), amdCallback: this.url("amd", row.id), ringTimeoutS: policy?.ringTimeoutS ?? 25, ...from });
  }

  /** Asks the provider for one row already marked `sending`. */
  private send(row: NotificationRow, sender: string | undefined): void {
    const { logger } = this.o;
    this.inFlight[row.channel]++;
    this.held.add(row.id);
    const attempts = row.attempts + 1;
    this.request(row, sender).then(
      ({ sid }) => {
        this.pauses[row.channel].relieved();
        this.o.provider?.fine();
        this.settle(row, { status: "sent", lastError: null, ...(sid ? { providerSid: sid } : {}) }, "ok");
      },
      (err) => {
        const f = classifyError(err);
        const t = this.o.now();
        // refused credentials fail no row: every text and call waits until an operator fixes them
        const giveUp = !f.transient || (attempts >= (this.o.maxAttempts ?? 12) && !f.refused);
        if (f.refused) this.o.provider?.broken(`the provider refused the credentials (${f.message}): check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN`);
        let nextAttemptAt = t + rowRetryMs(attempts);
        if (f.congested) {
          nextAttemptAt = this.pauses[row.channel].congested(t);
          this.o.metrics.outboxPaused.inc({ channel: row.channel });
          logger.warn({ channel: row.channel, ms: nextAttemptAt - t }, "the provider says too many requests: the channel pauses");
        }
        // a request cut off by our own stop is routine: it is sent again after the restart
        const level = this.o.running() ? "warn" : "info";
        logger[level]({ alertId: row.alertId, notificationId: row.id, channel: row.channel, attempts, transient: f.transient, err: f.message }, giveUp ? "notification failed" : "notification will be retried");
        this.settle(row, giveUp ? { status: "failed", lastError: f.message } : { status: "queued", lastError: f.message, nextAttemptAt }, giveUp ? "failed" : "retry");
      },
    );
  }

  private settle(row: NotificationRow, patch: Partial<NotificationRow>, result: string): void {
    this.inFlight[row.channel]--;
    this.o.metrics.sent.inc({ channel: row.channel, result });
    this.record(row, patch, 1);
  }

  /**
   * Stores the provider's answer. This runs in a promise callback, where a throw would take the
   * process down: a failure is logged and the write tried again; after the last try the row is
   * left to the recovery (recoverStuck), so it never stays `sending` while the process runs.
   */
  private record(row: NotificationRow, patch: Partial<NotificationRow>, attempt: number): void {
    this.o.ctx.writes.run(() => this.store(row, patch)).then(
      (fx) => {
        this.held.delete(row.id);
        this.o.dispatch(fx);
        this.o.wake();
      },
      (err: unknown) => {
        const retry = attempt < RECORD_ATTEMPTS && this.o.running();
        this.o.logger.error({ err, alertId: row.alertId, notificationId: row.id, attempt }, retry ? "storing a provider reply failed; trying again" : "storing a provider reply failed; the row goes back to the queue later");
        if (retry) setTimeout(() => this.record(row, patch, attempt + 1), 200 * attempt).unref();
        else this.held.delete(row.id);
      },
    );
  }

  /** Inside the turn's group commit (store/write-batch.ts), with the webhooks and the other replies. */
  private store(row: NotificationRow, patch: Partial<NotificationRow>): Effects {
    const { ctx, now } = this.o;
    const t = now();
    const fx = emptyEffects();
    // A webhook or a cancel may have moved the row on already (a fast callback, a claim): its status stays.
    const current = getNotification(ctx.db, row.id);
    const p = current && current.status !== "sending" ? { ...patch, status: current.status } : patch;
    // Cancelled while the request was under way (the alert was claimed): hang the new call up.
    if (current?.status === "cancelled" && row.channel === "call" && patch.providerSid) fx.cancelCalls.push(patch.providerSid);
    fx.events.push(notificationEvent(ctx, updateNotification(ctx.db, row.id, { ...p, updatedAt: t }), t, null));
    return fx;
  }

  /** Rows left `sending` with nothing of ours under way go back to the queue (looked at once a second). */
  private recoverStuck(t: number): void {
    if (t - this.lastRecoveryAt < RECOVERY_SCAN_MS) return;
    this.lastRecoveryAt = t;
    const stuck = sendingSince(this.o.ctx.db, t - STUCK_AFTER_MS).filter((r) => !this.held.has(r.id));
    if (stuck.length === 0) return;
    const taken = this.o.ctx.db.$client.transaction(() => stuck.filter((r) => requeueRow(this.o.ctx.db, r.id, t))).immediate();
    for (const r of taken) this.o.metrics.outboxRecovered.inc({ channel: r.channel });
    if (taken.length > 0) this.o.logger.warn({ count: taken.length, notificationIds: taken.map((r) => r.id).slice(0, 20) }, "notifications left `sending` with no request under way: queued again");
  }
}
