/**
 * A token bucket per key (a device id), on publishes. Keyed by device id rather than by connection,
 * so that reconnecting does not hand a flooding device a fresh burst. Time comes in as `now` (ms).
 */
import { TokenBucket } from "@helpkey/shared/token-bucket";
import type { RateLimit } from "./types";

export class RateLimiter {
  readonly #limit: Readonly<RateLimit>;
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(limit: Readonly<RateLimit>) {
    this.#limit = limit;
  }

  /** Takes one token; false when the key is over its limit. */
  take(key: string, now: number): boolean {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.#limit, now);
      this.#buckets.set(key, bucket);
    }
    return bucket.take(now);
  }

  /**
   * Forgets buckets that have refilled completely: a full bucket is the same as a new one, so this
   * bounds memory to the devices active recently.
   */
  sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) if (bucket.isFull(now)) this.#buckets.delete(key);
  }

  size(): number {
    return this.#buckets.size;
  }
}
