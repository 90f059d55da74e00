/** A token bucket: `perSecond` sustained, `burst` at once (Twilio's per-number and per-account limits). */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(readonly perSecond: number, private readonly burst: number, now: number) {
    this.tokens = burst;
    this.last = now;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }

  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whole tokens there are now. */
  available(now: number): number {
    this.refill(now);
    return Math.floor(this.tokens);
  }

  /** Milliseconds until one token is available. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }
}

/** Exponential backoff with full jitter, capped (transient provider failures). */
export function backoffMs(attempt: number, baseMs = 1000, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * A channel held back after the provider said "too many requests" (HTTP 429, Twilio 20429): the
 * whole account is congested, so every row of the channel waits, each pause longer than the last
 * (backoffMs), and after a pause one request goes at a time (a probe) until one goes through: a
 * burst right after the pause would only be refused again. Retries of single rows never pause a channel.
 */
export class ChannelPause {
  #until = 0;
  #strikes = 0;

  /** Pauses from `now`; returns when the channel may send again. */
  congested(now: number, backoff: (strike: number) => number = backoffMs): number {
    this.#strikes++;
    this.#until = Math.max(this.#until, now + backoff(this.#strikes));
    return this.#until;
  }

  /** A request went through: the next congestion starts from the shortest pause again. */
  relieved(): void {
    this.#strikes = 0;
  }

  /** Congested and not yet relieved: one request at a time. */
  get probing(): boolean {
    return this.#strikes > 0;
  }

  /** Milliseconds until the channel may send (0: it may now). */
  waitMs(now: number): number {
    return Math.max(0, this.#until - now);
  }

  get until(): number {
    return this.#until;
  }
}
