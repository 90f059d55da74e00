/**
 * Token bucket per key (a device id): `burst` tokens, refilled at `perSecond`.
 * Keyed by device id rather than by connection, so that reconnecting does not
 * hand a flooding device a fresh burst. Time comes in as `now` (ms).
 */
import type { RateLimit } from "./types";

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  readonly #limit: RateLimit;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limit: RateLimit) {
    this.#limit = limit;
  }

  /** Takes one token; false when the key is over its limit. */
  take(key: string, now: number): boolean {
    const bucket = this.#refilled(key, now);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /**
   * Forgets buckets that have refilled completely: a full bucket is the same as
   * a new one, so this bounds memory to the devices active recently.
   */
  sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (this.#tokensAt(bucket, now) >= this.#limit.burst) this.#buckets.delete(key);
    }
  }

  size(): number {
    return this.#buckets.size;
  }

  #refilled(key: string, now: number): Bucket {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.#limit.burst, at: now };
      this.#buckets.set(key, bucket);
      return bucket;
    }
    bucket.tokens = this.#tokensAt(bucket, now);
    bucket.at = now;
    return bucket;
  }

  #tokensAt(bucket: Bucket, now: number): number {
    const elapsedS = Math.max(0, now - bucket.at) / 1000;
    return Math.min(this.#limit.burst, bucket.tokens + elapsedS * this.#limit.perSecond);
  }
}
