/**
 * Who a request goes out from, at the provider's limits. Twilio limits texts per sender (a long code
 * sends 1 segment a second) and calls per account (1 a second by default): SMS rotate through the
 * From numbers, each with its own bucket, or go to a Messaging Service whose pool of numbers sends
 * at the pool's size times the per-number rate; calls rotate through the From numbers on one shared
 * bucket. The sender is recorded on the row (notifications.sender).
 */
import { TokenBucket } from "@helpkey/shared/token-bucket";

export interface SenderPoolOptions {
  /** E.164 From numbers, or one Messaging Service sid (MG…). */
  senders: string[];
  /** Requests a second per bucket. */
  perSecond: number;
  /** One bucket for all senders (calls: an account-wide limit) instead of one each. */
  shared?: boolean;
}

export class SenderPool {
  readonly #senders: string[];
  readonly #buckets: TokenBucket[];
  #next = 0;

  constructor(o: SenderPoolOptions, now: number) {
    if (o.senders.length === 0) throw new Error("a sender pool needs at least one sender");
    this.#senders = [...o.senders];
    // a burst of one second's worth: the provider counts per second
    const bucket = () => new TokenBucket({ perSecond: o.perSecond, burst: Math.max(1, Math.floor(o.perSecond)) }, now);
    this.#buckets = o.shared ? [bucket()] : this.#senders.map(bucket);
  }

  /** The next sender in turn that may send now (taking its token), or null when none may. */
  take(now: number): string | null {
    const count = this.#senders.length;
    for (let i = 0; i < count; i++) {
      const k = (this.#next + i) % count;
      if (this.#buckets[this.#buckets.length === 1 ? 0 : k]!.take(now)) {
        this.#next = (k + 1) % count;
        return this.#senders[k]!;
      }
    }
    return null;
  }

  /** How many requests may leave now, all senders together. */
  available(now: number): number {
    return this.#buckets.reduce((sum, b) => sum + b.available(now), 0);
  }

  /** Milliseconds until some sender may send. */
  waitMs(now: number): number {
    return Math.min(...this.#buckets.map((b) => b.waitMs(now)));
  }

  /** Requests a second all senders together allow. */
  get ratePerSecond(): number {
    return this.#buckets.reduce((sum, b) => sum + b.rate.perSecond, 0);
  }
}
