/**
 * How often one device id may log in: a token bucket per device id, spent only by a CONNECT whose
 * credentials were right, so a stranger naming the device cannot use it up. A device that
 * reconnects at once every time the broker closes it (for a publish over its rate, say) costs a
 * credential check, a session and a Last Will each time; over its budget it is answered CONNACK 3
 * before any of that. Bounded: buckets that refilled completely are forgotten, the least recently
 * used first when there are too many. Time comes in as `now` (ms).
 */
import { TokenBucket, type TokenRate } from "@helpkey/shared/token-bucket";
import { LRUCache } from "lru-cache";

/** More device ids than a district has; one over it only loses its history (it comes back full). */
const MAX_DEVICES = 50_000;

export class DeviceConnects {
  readonly #rate: Readonly<TokenRate>;
  readonly #buckets = new LRUCache<string, TokenBucket>({ max: MAX_DEVICES });

  constructor(rate: Readonly<TokenRate>) {
    this.#rate = rate;
  }

  /** True while the device id has a login left; takes nothing. */
  allows(deviceId: string, now: number): boolean {
    return (this.#buckets.get(deviceId)?.available(now) ?? 1) >= 1;
  }

  /** A login of this device id succeeded. */
  spend(deviceId: string, now: number): void {
    let bucket = this.#buckets.get(deviceId);
    if (!bucket) this.#buckets.set(deviceId, (bucket = new TokenBucket(this.#rate, now)));
    bucket.charge(now);
  }

  sweep(now: number): void {
    for (const [id, bucket] of this.#buckets.entries()) if (bucket.isFull(now)) this.#buckets.delete(id);
  }

  size(): number {
    return this.#buckets.size;
  }
}
