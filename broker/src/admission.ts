/**
 * What one source address may cost the broker before it has proved who it is. Every socket holds
 * a file descriptor and an aedes client until its CONNECT is answered, and the process has a fixed
 * number of descriptors for a whole district: a stranger opening sockets it never logs in on must
 * not take them all. Per source (IPv4 address, IPv6 /64):
 * - at most `pendingPerSource` connections open and not yet past CONNACK;
 * - new connections as a token bucket (`connectRate`), so a flood of them is cut at accept, where a
 *   refusal costs nothing but the close.
 * Logged-in connections are not counted: a community behind one address may hold thousands, and
 * one per device id is the bound there. Time comes in as `now` (ms).
 */
import { sourceKey } from "@helpkey/shared/source-key";
import { TokenBucket, type TokenRate } from "@helpkey/shared/token-bucket";
import { LRUCache } from "lru-cache";

export interface AdmissionLimits {
  pendingPerSource: number;
  connectRate: Readonly<TokenRate>;
}

export type Admitted = { ok: true; source: string; release(): void } | { ok: false; source: string; over: "pending" | "rate"; limit: number };

/** Rate buckets remembered at once; the least recently used is forgotten first (it comes back full). */
const MAX_SOURCES = 10_000;

export class Admission {
  readonly #limits: AdmissionLimits;
  /** Sources with connections waiting for their CONNACK; an entry lives as long as its sockets. */
  readonly #pending = new Map<string, number>();
  readonly #rates = new LRUCache<string, TokenBucket>({ max: MAX_SOURCES });

  constructor(limits: AdmissionLimits) {
    this.#limits = limits;
  }

  /** A new connection from `address`: admitted (call `release` once it is past CONNACK or closed), or not. */
  admit(address: string | undefined, now: number): Admitted {
    const source = sourceKey(address);
    // an in-memory stream (tests, an embedding) has no address to hold to account
    if (address === undefined) return { ok: true, source, release: () => undefined };
    const pending = this.#pending.get(source) ?? 0;
    if (pending >= this.#limits.pendingPerSource) return { ok: false, source, over: "pending", limit: this.#limits.pendingPerSource };
    let bucket = this.#rates.get(source);
    if (!bucket) this.#rates.set(source, (bucket = new TokenBucket(this.#limits.connectRate, now)));
    if (!bucket.take(now)) return { ok: false, source, over: "rate", limit: this.#limits.connectRate.perSecond };
    this.#pending.set(source, pending + 1);
    let released = false;
    return {
      ok: true,
      source,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.#pending.get(source) ?? 1) - 1;
        if (left > 0) this.#pending.set(source, left);
        else this.#pending.delete(source);
      },
    };
  }

  /** Forgets buckets that have refilled completely (the same as a new one). */
  sweep(now: number): void {
    for (const [source, bucket] of this.#rates.entries()) if (bucket.isFull(now)) this.#rates.delete(source);
  }

  /** Sources with connections waiting for their CONNACK. */
  pendingSources(): number {
    return this.#pending.size;
  }

  rateSources(): number {
    return this.#rates.size;
  }
}
