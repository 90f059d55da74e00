/**
 * When the outbox tries again: a failed row after its own backoff, a congested channel after a pause.
 */
import { backoffMs, type BackoffPolicy } from "@helpkey/shared/backoff";

/**
 * A row that failed transiently waits 1, 2, 4 … s capped at 30 s, each between half and all of it
 * at random, so the rows that failed together do not come back together.
 */
export const ROW_RETRY: Readonly<BackoffPolicy> = Object.freeze({ baseMs: 1_000, capMs: 30_000, jitterShare: 0.5 });

/** Milliseconds a row waits after its attempt number `attempt` failed. */
export const rowRetryMs = (attempt: number): number => backoffMs(attempt, ROW_RETRY);

/**
 * A channel held back after the provider said "too many requests" (HTTP 429, Twilio 20429): the
 * whole account is congested, so every row of the channel waits, each pause longer than the last
 * (ROW_RETRY's schedule), and after a pause one request goes at a time (a probe) until one goes
 * through: a burst right after the pause would only be refused again. Retries of single rows never
 * pause a channel.
 */
export class ChannelPause {
  #until = 0;
  #strikes = 0;

  /** Pauses from `now`; returns when the channel may send again. */
  congested(now: number, backoff: (strike: number) => number = rowRetryMs): number {
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
