/**
 * The outbox worker (DESIGN.md "Notification policy", issue 3): runs due cascade timers, then
 * sends due rows within the rate limits, first waves before later ones. A row is marked
 * `sending` (committed) before the provider is asked, so a crash re-sends it (at-least-once).
 */
import type { Logger } from "pino";
import type { AlertContext } from "../alerts/context";
import { emptyEffects, type Effects } from "../alerts/effects";
import { notificationEvent, runDue } from "../alerts/notify-plan";
import type { Metrics } from "../metrics/metrics";
import { dueCascades, getAlert, nextCascadeDue, setCascadeDue } from "../store/alerts";
import { atTurnEnd } from "../store/turn-end";
import { getNotification, queuedCount, queueHead, requeueInFlight, updateNotification, type NotificationRow } from "../store/notifications";
import { InFlightLimit } from "./in-flight-limit";
import { classifyError, type PhoneChannel } from "./phone-channel";
import { backoffMs, TokenBucket } from "./rate-limiter";

export interface OutboxRates {
  smsPerSecond: number;
  callsPerSecond: number;
  maxInFlight: number;
}

export interface OutboxOptions {
  ctx: AlertContext;
  channel: PhoneChannel;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  dispatch: (fx: Effects) => void;
  /** Base of the webhook URLs the provider calls back (HK_PUBLIC_URL). */
  publicUrl: string;
  rates: OutboxRates;
  maxAttempts?: number;
  /** The event loop's utilisation since the last call, for the in-flight limit (default: measured; tests pass their own). */
  loopUtilization?: () => number;
}

const IDLE_POLL_MS = 1000;
/** Alerts planned or advanced per tick (runDueCascades). */
const PLAN_PER_TICK = 100;
/** Rows planned ahead of sending, per request allowed in flight (runDueCascades). */
const PLAN_AHEAD_PER_SLOT = 10;
/** Tries to store one provider reply (a locked or failing database) before leaving it to the restart. */
const RECORD_ATTEMPTS = 20;

export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  /** A tick is queued for the end of this turn. */
  private woken = false;
  private running = false;
  /** Per channel: a flood of SMS must never hold back the calls (and the reverse). */
  private inFlight = { sms: 0, call: 0, control: 0 };
  private readonly sms: TokenBucket;
  private readonly calls: TokenBucket;
  /** HK_MAX_IN_FLIGHT, lowered while the event loop is overloaded: the acks come first (in-flight-limit.ts). */
  private readonly limit: InFlightLimit;

  constructor(private readonly o: OutboxOptions) {
    this.limit = new InFlightLimit({
      max: o.rates.maxInFlight,
      ...(o.loopUtilization ? { utilization: o.loopUtilization } : {}),
      onChange: (limit, u) =>
        limit < o.rates.maxInFlight
          ? o.logger.info({ limit, max: o.rates.maxInFlight, loop: Math.round(u * 100) / 100 }, "event loop overloaded: fewer provider requests at once, notifications wait in their queue")
          : o.logger.info({ limit }, "event loop has room again: provider requests back to their limit"),
    });
    o.metrics.outboxInFlightLimit.set(this.limit.max);
    this.sms = new TokenBucket(o.rates.smsPerSecond, Math.max(1, Math.floor(o.rates.smsPerSecond)), o.now());
    this.calls = new TokenBucket(o.rates.callsPerSecond, Math.max(1, Math.floor(o.rates.callsPerSecond)), o.now());
  }

  start(): void {
    const n = requeueInFlight(this.o.ctx.db, this.o.now());
    if (n > 0) this.o.logger.warn({ count: n }, "re-sending notifications that were in flight at the last stop");
    this.running = true;
    this.wake();
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Something became due now (a new alert, a call ended): look at once. */
  wake = (): void => {
    if (!this.running || this.woken) return;
    // later in this same turn, after the commits that woke us: a timer (even 0 ms) would wait ≥ 1 ms
    this.woken = true;
    atTurnEnd("outbox", this.tick);
  };

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(this.tick, ms);
  }

  private tick = (): void => {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.woken = false;
    if (!this.running) return;
    try {
      const more = this.runDueCascades();
      const wait = this.sendDue();
      if (more) this.wake();
      else this.schedule(wait);
    } catch (err) {
      this.o.logger.error({ err }, "outbox tick failed; retrying");
      this.schedule(IDLE_POLL_MS);
    }
  };

  /**
   * Cascade timers are rows (alerts.cascade_due_at): they survive a restart. A new alert is due at
   * once (its first plan). Oldest first, at most PLAN_PER_TICK per tick, and only while a channel
   * has fewer than `planAhead` rows waiting: rows are sent at most maxInFlight at a time, so
   * planning further ahead changes nothing for the contacts, and in a storm it took the event loop
   * from the acks (bench). Either channel with room keeps planning, so slow calls never hold back
   * the texts (nor the reverse). A due alert waits in its row; every reply wakes the worker.
   * Returns whether more may be planned right away.
   */
  private runDueCascades(): boolean {
    const { ctx, now } = this.o;
    const t = now();
    const planAhead = PLAN_AHEAD_PER_SLOT * this.o.rates.maxInFlight;
    // counted once per tick, then kept up to date from the rows each plan queues (its events): two
    // count queries per planned alert were a sixth of the outbox's time at 1,000 presses/s (bench)
    const queued = { sms: queuedCount(ctx.db, "sms", planAhead), call: queuedCount(ctx.db, "call", planAhead) };
    const room = () => queued.sms < planAhead || queued.call < planAhead;
    if (!room()) return false;
    // No more alerts than the fuller room could take: each planned alert queues rows, and under
    // load a few slots free up per tick. Fetching 100 due alerts to plan two of them was 5 % of the
    // main thread at 1,000 presses/s (bench profile). More due alerts are fetched on the next tick.
    const limit = Math.min(PLAN_PER_TICK, Math.max(planAhead - queued.sms, planAhead - queued.call));
    const due = dueCascades(ctx.db, t, limit);
    if (due.length === 0) return false;
    const fx = emptyEffects();
    let planned = 0;
    ctx.db.$client.transaction(() => {
      for (const alert of due) {
        if (!room()) break;
        planned++;
        const info = ctx.dir.get(alert.householdId);
        if (!info) {
          setCascadeDue(ctx.db, alert.id, null); // its household is gone: nothing to plan, ever
          continue;
        }
        for (const e of runDue(ctx, alert, info, t)) {
          const ch = e.notification?.channel;
          if (e.type === "notification.updated" && e.notification?.status === "queued" && (ch === "sms" || ch === "call")) queued[ch]++;
          fx.events.push(e);
        }
      }
    }).immediate();
    this.o.dispatch(fx);
    return planned === limit;
  }

  /** Sends what the limits allow, strictly in queue order per channel; returns ms until the next look. */
  private sendDue(): number {
    const { ctx, now } = this.o;
    const t = now();
    let wait = IDLE_POLL_MS;
    const picked: NotificationRow[] = [];
    const maxInFlight = this.limit.value;
    this.o.metrics.outboxInFlightLimit.set(maxInFlight);
    for (const channel of ["sms", "call"] as const) {
      const bucket = channel === "sms" ? this.sms : this.calls;
      // only as many rows as may be sent now: every reply wakes the worker, and a storm's queue is long
      const slots = maxInFlight - this.inFlight[channel];
      if (slots <= 0) continue; // a reply wakes us
      for (const row of queueHead(ctx.db, channel, slots)) {
        if (row.nextAttemptAt > t) {
          wait = Math.min(wait, row.nextAttemptAt - t); // head-of-line: wait for it
          break;
        }
        if (!bucket.take(t)) {
          wait = Math.min(wait, bucket.waitMs(t));
          break;
        }
        picked.push(row);
      }
    }
    if (picked.length > 0) {
      // every row of this tick is marked `sending` in one commit before any request leaves
      ctx.db.$client.transaction(() => {
        for (const row of picked) updateNotification(ctx.db, row.id, { status: "sending", attempts: row.attempts + 1, updatedAt: t });
      }).immediate();
      for (const row of picked) this.send(row);
    }
    // every provider reply wakes this tick: both cascade queries are prepared once (store/alerts.ts)
    const cascadeAt = nextCascadeDue(ctx.db);
    if (cascadeAt !== null) wait = Math.min(wait, Math.max(0, cascadeAt - t));
    return Math.max(wait, 5);
  }

  private url(path: string, id: number): string {
    return `${this.o.publicUrl}/twilio/${path}/${id}`;
  }

  /** Asks the provider for one row already marked `sending`. */
  private send(row: NotificationRow): void {
    const { ctx, channel, logger } = this.o;
    this.inFlight[row.channel]++;
    const alert = getAlert(ctx.db, row.alertId);
    const policy = alert ? ctx.dir.get(alert.householdId)?.policy : undefined;
    const request =
      row.channel === "sms"
        ? channel.sendSms({ to: row.toPhone, body: row.body ?? "", statusCallback: this.url("sms-status", row.id), ...(row.purpose === "alarm" ? { validityPeriodS: policy?.smsValidityS ?? 600 } : {}) })
        : channel.startCall({ to: row.toPhone, url: this.url("voice", row.id), statusCallback: this.url("call-status", row.id), amdCallback: this.url("amd", row.id), ringTimeoutS: policy?.ringTimeoutS ?? 25 });
    request.then(
      ({ sid }) => this.settle(row, { status: "sent", providerSid: sid, lastError: null }, "ok"),
      (err) => {
        const { transient, message } = classifyError(err);
        const attempts = row.attempts + 1;
        const giveUp = !transient || attempts >= (this.o.maxAttempts ?? 12);
        // a request cut off by our own stop is routine: it is sent again after the restart
        const level = this.running ? "warn" : "info";
        logger[level]({ alertId: row.alertId, notificationId: row.id, channel: row.channel, attempts, transient, err: message }, giveUp ? "notification failed" : "notification will be retried");
        this.settle(row, giveUp ? { status: "failed", lastError: message } : { status: "queued", lastError: message, nextAttemptAt: this.o.now() + backoffMs(attempts) }, giveUp ? "failed" : "retry");
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
   * process down (bench: a busy database did): a failure is logged and the write tried again, so
   * the row never stays `sending` while the process runs.
   */
  private record(row: NotificationRow, patch: Partial<NotificationRow>, attempt: number): void {
    this.o.ctx.writes.run(() => this.store(row, patch)).then(
      (fx) => {
        this.o.dispatch(fx);
        this.wake();
      },
      (err: unknown) => {
        const retry = attempt < RECORD_ATTEMPTS && this.running;
        this.o.logger.error({ err, alertId: row.alertId, notificationId: row.id, attempt }, retry ? "storing a provider reply failed; trying again" : "storing a provider reply failed; the row is re-sent after a restart");
        if (retry) setTimeout(() => this.record(row, patch, attempt + 1), 200 * attempt).unref();
      },
    );
  }

  /** Inside the turn's group commit (store/write-batch.ts), with the webhooks and the other replies. */
  private store(row: NotificationRow, patch: Partial<NotificationRow>): Effects {
    const { ctx, now } = this.o;
    const t = now();
    const fx = emptyEffects();
    // A webhook may have moved the row on already (a fast callback): keep its status then.
    const current = getNotification(ctx.db, row.id);
    const p = current && current.status !== "sending" && patch.status === "sent" ? { ...patch, status: current.status } : patch;
    // Cancelled while the request was under way (the alert was claimed): hang the new call up.
    if (current?.status === "cancelled" && row.channel === "call" && patch.providerSid) fx.cancelCalls.push(patch.providerSid);
    fx.events.push(notificationEvent(ctx, updateNotification(ctx.db, row.id, { ...p, updatedAt: t }), t, null));
    return fx;
  }

  async stop(): Promise<void> {
    this.running = false; // a tick still queued for this turn's end returns at once
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
