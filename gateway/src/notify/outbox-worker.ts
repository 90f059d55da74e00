/**
 * The outbox worker: runs due cascade timers, then sends due rows within the rate limits
 * (outbox-send.ts), the most urgent alarms first, every alert's first wave before anyone's second.
 */
import type { Channel } from "@helpkey/shared";
import { runDueArrivals } from "../alerts/arrival-flow";
import { emptyEffects, type Effects } from "../alerts/effects";
import { runDue } from "../alerts/notify-plan";
import { runDueWelfare } from "../welfare/welfare-flow";
import { runSupervision } from "../supervision/supervision-tick";
import { nextCascadeDue, setCascadeDue, type AlertRow } from "../store/alerts";
import { dueByPriority, dueSteps } from "../store/due-cascades";
import { requeueInFlight } from "../store/notifications";
import { queuedAhead } from "../store/outbox-queue";
import type { TurnEnd } from "../store/turn-end";
import { OutboxSender, type ChannelStatus, type OutboxSendOptions } from "./outbox-send";

export type { OutboxRates, OutboxSenders } from "./outbox-send";

/** What the worker is given: the sending half's options, less the two the worker itself provides. */
export type OutboxOptions = Omit<OutboxSendOptions, "wake" | "running"> & {
  /** The system's end-of-turn lanes: a tick runs after the turn's commits. */
  turnEnd: TurnEnd;
};

const IDLE_POLL_MS = 1000;
/** Alerts planned or advanced per tick (runDueCascades). */
const PLAN_PER_TICK = 100;
/** Rows planned ahead of sending, per request allowed in flight (runDueCascades). */
const PLAN_AHEAD_PER_SLOT = 10;
/** The shortest time between two looks at the queue when replies keep waking the worker. */
const MIN_TICK_GAP_MS = 4;
/** How often the steps of planned alerts are looked for while first plans wait for room. */
const STEP_SCAN_MS = 250;

export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  /** A tick is queued for the end of this turn. */
  private woken = false;
  /** When the last look at the queue started (performance.now()). */
  private lastTick = 0;
  private running = false;
  private lastStepScan = 0;
  /** Due alerts wait for room to be planned: a reply (rows sent) or the next step scan plans them, not a timer. */
  private waitingForRoom = false;
  private readonly sender: OutboxSender;

  constructor(private readonly o: OutboxOptions) {
    this.sender = new OutboxSender({ ...o, wake: () => this.wake(), running: () => this.running });
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

  /** Per channel: the rate, a pause, the requests under way (the console's backlog). */
  status(): Record<Channel, ChannelStatus> {
    return this.sender.status();
  }

  /**
   * Something became due now (a new alert, a call ended): look at once, or, when the last look is
   * less than MIN_TICK_GAP_MS ago, when that gap is over. In a storm every provider reply wakes the
   * worker, thousands a second, and each look costs a dozen queries on the thread that acks alarms;
   * one look per gap sends just as much (every free slot is filled at each look).
   */
  wake = (): void => {
    if (!this.running || this.woken) return;
    this.woken = true;
    const gap = MIN_TICK_GAP_MS - (performance.now() - this.lastTick);
    // later in this same turn, after the commits that woke us: a timer (even 0 ms) would wait ≥ 1 ms
    if (gap <= 0) this.o.turnEnd.at("outbox", this.tick);
    else this.schedule(gap);
  };

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(this.tick, ms);
  }

  private tick = (): void => {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.woken = false;
    this.lastTick = performance.now();
    if (!this.running) return;
    try {
      const more = this.runDueCascades();
      // the arrival timers (alerts.arrival_due_at): nobody on site in time, the alert comes back
      const arrivals = runDueArrivals(this.o.ctx, this.o.now(), PLAN_PER_TICK);
      this.o.dispatch(arrivals.effects);
      // the welfare timers (households.welfare_due_at): no sign of life in time raises one check
      const welfare = runDueWelfare(this.o.ctx, this.o.now(), PLAN_PER_TICK);
      this.o.dispatch(welfare.effects);
      // the supervision timers (devices.silent_due_at, device_faults.sms_due_at): silent devices, fault texts
      const supervision = runSupervision(this.o.ctx, this.o.now(), PLAN_PER_TICK);
      for (const e of supervision.effects.events) if (e.type === "fault.raised") this.o.logger.info({ deviceId: e.fault?.deviceId, fault: e.fault?.type }, "technical alert raised");
      this.o.dispatch(supervision.effects);
      let wait = this.sender.sendDue();
      // every provider reply wakes this tick: both cascade queries are prepared once (store/alerts.ts)
      const cascadeAt = nextCascadeDue(this.o.ctx.db);
      if (cascadeAt !== null) wait = Math.min(wait, this.waitingForRoom ? STEP_SCAN_MS : Math.max(0, cascadeAt - this.o.now()));
      if (arrivals.nextAt !== null) wait = Math.min(wait, Math.max(0, arrivals.nextAt - this.o.now()));
      if (welfare.nextAt !== null) wait = Math.min(wait, Math.max(0, welfare.nextAt - this.o.now()));
      if (supervision.nextAt !== null) wait = Math.min(wait, Math.max(0, supervision.nextAt - this.o.now()));
      if (more || arrivals.more || welfare.more || welfare.effects.wakeOutbox || supervision.more) this.wake();
      else this.schedule(Math.max(wait, 5));
    } catch (err) {
      this.o.logger.error({ err }, "outbox tick failed; retrying");
      this.schedule(IDLE_POLL_MS);
    }
  };

  /**
   * Cascade timers are rows (alerts.cascade_due_at): they survive a restart. A new alert is due at
   * once (its first plan). At most PLAN_PER_TICK per tick, the most urgent first, and only while a
   * channel has fewer than `planAhead` rows that a new alert's first wave would wait behind: rows
   * are sent at most maxInFlight at a time, so planning further ahead changes nothing for the
   * contacts, and in a storm it takes the event loop from the acks. Either channel with room keeps
   * planning, so slow calls never hold back the texts (nor the reverse). The steps of alerts planned
   * already (the next wave, the supervisor's call) are timers that never wait for room: they are
   * looked for every STEP_SCAN_MS while first plans wait. Returns whether more may be planned now.
   */
  private runDueCascades(): boolean {
    const { ctx, now } = this.o;
    const t = now();
    const planAhead = PLAN_AHEAD_PER_SLOT * this.o.rates.maxInFlight;
    // counted once per tick, then kept up to date from the rows each plan queues (its events)
    const queued = { sms: queuedAhead(ctx.db, "sms", planAhead), call: queuedAhead(ctx.db, "call", planAhead) };
    const room = () => queued.sms < planAhead || queued.call < planAhead;
    this.waitingForRoom = !room();
    const scanSteps = t - this.lastStepScan >= STEP_SCAN_MS;
    if (scanSteps) this.lastStepScan = t;
    const steps = scanSteps ? dueSteps(ctx.db, t, PLAN_PER_TICK) : [];
    // No more alerts than the fuller room could take: each planned alert queues rows, and under
    // load a few slots free up per tick. More due alerts are fetched on the next tick.
    const limit = room() ? Math.min(PLAN_PER_TICK, Math.max(planAhead - queued.sms, planAhead - queued.call)) : 0;
    const due = limit > 0 ? dueByPriority(ctx.db, t, limit) : [];
    if (steps.length === 0 && due.length === 0) return false;
    const fx = emptyEffects();
    let planned = 0;
    ctx.db.$client.transaction(() => {
      for (const alert of steps) this.plan(alert, t, fx, queued);
      const stepped = new Set(steps.map((a) => a.id));
      for (const alert of due) {
        if (!room()) break;
        planned++;
        if (!stepped.has(alert.id)) this.plan(alert, t, fx, queued);
      }
    }).immediate();
    this.o.dispatch(fx);
    return limit > 0 && planned === limit;
  }

  /** One alert's due work (its first plan or its next step); counts the first-wave rows it queues. */
  private plan(alert: AlertRow, t: number, fx: Effects, queued: Record<"sms" | "call", number>): void {
    const { ctx } = this.o;
    const info = ctx.dir.get(alert.householdId);
    if (!info) {
      setCascadeDue(ctx.db, alert.id, null); // its household is gone: nothing to plan, ever
      return;
    }
    for (const e of runDue(ctx, alert, info, t)) {
      const n = e.notification;
      if (e.type === "notification.updated" && n?.status === "queued" && n.wave === 1 && (n.channel === "sms" || n.channel === "call")) queued[n.channel]++;
      fx.events.push(e);
    }
  }

  async stop(): Promise<void> {
    this.running = false; // a tick still queued for this turn's end returns at once
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
