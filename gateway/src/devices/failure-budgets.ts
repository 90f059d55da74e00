/**
 * Budgets for failed device credential checks: a token bucket per source (network address) and one
 * per device id. A key with less than one token is refused without a lookup or a hash
 * (connect-auth.ts); a check that fails takes a token afterwards. Successes cost nothing, so a
 * community reconnecting at once behind one address is never held back, however many checks it
 * has under way.
 *
 * A burst of failures started together is all charged when it ends: the bucket goes into debt (down
 * to -burst), and the key waits until it has paid it back. Both maps are LRU-bounded, and an entry
 * expires once its bucket would have refilled: a forgotten bucket and a full one are the same thing.
 * Time comes in as `now` (ms).
 */
import { LRUCache } from "lru-cache";
import { TokenBucket } from "@helpkey/shared/token-bucket";

export interface BudgetPolicy {
  /** Failures allowed at once. */
  burst: number;
  /** Failures allowed per second, sustained. */
  perSecond: number;
  /** Keys remembered; the least recently used is forgotten beyond. */
  maxKeys: number;
}

/**
 * Per source: a community behind one NAT address is many devices, and a revoked or stale-secret
 * device retries every 30 s at most, so 5 failures/s leaves room for 150 of them; a flood from one
 * address costs 5 device-cost hashes a second (~1.5 ms of CPU).
 */
export const SOURCE_BUDGET: Readonly<BudgetPolicy> = Object.freeze({ burst: 50, perSecond: 5, maxKeys: 10_000 });
/**
 * Per device id: a device's own wrong secret fails at most every few seconds; guessing a 144-bit
 * secret from many addresses gets one try per 2 s. Ids are known devices only (the fleet).
 */
export const DEVICE_BUDGET: Readonly<BudgetPolicy> = Object.freeze({ burst: 10, perSecond: 0.5, maxKeys: 50_000 });

export class TokenBuckets {
  private readonly buckets: LRUCache<string, TokenBucket>;

  constructor(private readonly policy: Readonly<BudgetPolicy>) {
    this.buckets = new LRUCache<string, TokenBucket>({ max: policy.maxKeys, updateAgeOnGet: false });
  }

  /** The key may start a check: it has a token for a failure. Nothing is taken. */
  allows(key: string, now: number): boolean {
    const bucket = this.buckets.get(key);
    return !bucket || bucket.available(now) >= 1;
  }

  /** A check of this key failed: one token, into debt if need be (down to -burst). */
  charge(key: string, now: number): void {
    const bucket = this.buckets.get(key) ?? new TokenBucket(this.policy, now);
    bucket.charge(now);
    // remembered until it would be full again: after that, forgetting it changes nothing
    this.buckets.set(key, bucket, { ttl: bucket.msToFull(now) });
  }

  get size(): number {
    this.buckets.purgeStale();
    return this.buckets.size;
  }
}

