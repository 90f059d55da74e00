/**
 * How many provider requests the outbox may have in flight per channel: HK_MAX_IN_FLIGHT, lowered
 * while the gateway's event loop is overloaded.
 *
 * Every request the outbox sends comes back as two to six webhooks (status, answering machine,
 * TwiML, key press), and they run on the thread that also stores alarms and acks them. With a
 * generous outbox rate that traffic can take half of that thread, and acks queue behind it; an
 * alarm that is not acked is sent again by its device every 2 s, which adds to the load. So the
 * device path comes first: while
 * the event loop is busier than `high`, the limit halves (never below `min`), and while it is under
 * `low` it grows back by one, at most once per window each. Notifications wait in their durable
 * queue meanwhile, in order, and go out as fast as the loop has room for. With the production
 * rates (one text a second per number) the loop is never that busy and the limit stays where it is.
 */
import { performance } from "node:perf_hooks";

export interface InFlightLimitOptions {
  max: number;
  min?: number;
  /** Event-loop utilisation (0–1) above which the limit halves. */
  high?: number;
  /** Event-loop utilisation below which the limit grows by one. */
  low?: number;
  windowMs?: number;
  /** The loop's utilisation since the previous call (default: perf_hooks' eventLoopUtilization). */
  utilization?: () => number;
  now?: () => number;
  /** Called when the limit leaves its maximum and when it is back. */
  onChange?: (limit: number, utilization: number) => void;
}

function loopUtilization(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const u = performance.eventLoopUtilization(last).utilization;
    last = performance.eventLoopUtilization();
    return u;
  };
}

export class InFlightLimit {
  #limit: number;
  #at: number;
  readonly #o: Required<Omit<InFlightLimitOptions, "onChange">> & Pick<InFlightLimitOptions, "onChange">;

  constructor(o: InFlightLimitOptions) {
    const max = Math.max(1, Math.floor(o.max));
    this.#o = {
      max, min: Math.min(max, o.min ?? 1), high: o.high ?? 0.8, low: o.low ?? 0.6, windowMs: o.windowMs ?? 250,
      utilization: o.utilization ?? loopUtilization(), now: o.now ?? (() => performance.now()), onChange: o.onChange,
    };
    this.#limit = max;
    this.#at = this.#o.now();
  }

  /** The limit now; the loop's load is looked at once a window has passed since the last look. */
  get value(): number {
    const o = this.#o;
    const t = o.now();
    if (t - this.#at < o.windowMs) return this.#limit;
    this.#at = t;
    const u = o.utilization();
    const before = this.#limit;
    if (u > o.high) this.#limit = Math.max(o.min, Math.floor(this.#limit / 2));
    else if (u < o.low) this.#limit = Math.min(o.max, this.#limit + 1);
    if ((before === o.max) !== (this.#limit === o.max)) o.onChange?.(this.#limit, u);
    return this.#limit;
  }

  get max(): number {
    return this.#o.max;
  }
}
