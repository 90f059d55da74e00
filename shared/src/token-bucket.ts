/**
 * A token bucket: `burst` requests at once, `perSecond` sustained. Time comes in as `now` (ms), so
 * callers choose their clock and tests pin it down. A clock that steps back refills nothing.
 */

export interface TokenRate {
  /** Tokens added per second. */
  perSecond: number;
  /** Tokens the bucket holds when full; a new bucket starts full. */
  burst: number;
}

export class TokenBucket {
  #tokens: number;
  #at: number;

  constructor(
    readonly rate: Readonly<TokenRate>,
    now: number,
  ) {
    this.#tokens = rate.burst;
    this.#at = now;
  }

  /** Takes one token; false (nothing taken) when there is less than one. */
  take(now: number): boolean {
    this.#refill(now);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Whole tokens there are now. */
  available(now: number): number {
    this.#refill(now);
    return Math.floor(this.#tokens);
  }

  /** Milliseconds until one token is there (0: now). */
  waitMs(now: number): number {
    this.#refill(now);
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) / this.rate.perSecond) * 1000);
  }

  /**
   * Takes one token whatever is there, into debt down to -burst: for costs known only afterwards (a
   * failure found when a check ends), so a burst started together is all paid back before the next.
   */
  charge(now: number): void {
    this.#refill(now);
    this.#tokens = Math.max(-this.rate.burst, this.#tokens - 1);
  }

  /** Milliseconds until the bucket is full again. */
  msToFull(now: number): number {
    this.#refill(now);
    return Math.ceil(((this.rate.burst - this.#tokens) / this.rate.perSecond) * 1000);
  }

  /** Full again: the same as a new bucket, so a map of buckets may forget it. */
  isFull(now: number): boolean {
    this.#refill(now);
    return this.#tokens >= this.rate.burst;
  }

  #refill(now: number): void {
    if (now <= this.#at) return;
    this.#tokens = Math.min(this.rate.burst, this.#tokens + ((now - this.#at) / 1000) * this.rate.perSecond);
    this.#at = now;
  }
}
