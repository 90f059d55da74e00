/**
 * Every refusal goes through here: counted in hk_mqtt_refusals_total{reason}, each one, and logged
 * with the device id and the stable error code, never a password (docs/device-protocol.md: bad
 * input is "rejected, logged with the device id and counted").
 *
 * Logged per (source address, reason), not per refusal, so a flood cannot fill a disk: the first
 * refusal of a key is a warn line at once; more of the same key within the window are one summary
 * line at its end, with the count and a few of the device ids. The keys are LRU-bounded, and so are
 * the lines per window: new keys beyond FIRST_LINES_PER_WINDOW wait for the window's summaries, and
 * summaries beyond SUMMARY_LINES_PER_WINDOW (the largest counts go first) are folded into one line.
 * So a window writes at most FIRST_LINES_PER_WINDOW + SUMMARY_LINES_PER_WINDOW + 1 lines.
 */
import type { ErrorCode } from "@helpkey/shared";
import type { Client } from "aedes";
import { LRUCache } from "lru-cache";
import type { Logger } from "pino";
import type { Subject } from "./identities";
import type { BrokerMetrics } from "./metrics";
import { remoteAddressOf } from "./remote-address";

export interface Refusal {
  code: ErrorCode;
  /** Short, for people reading the log. */
  reason: string;
  details?: Record<string, unknown>;
}

export const REFUSAL_LOG_WINDOW_MS = 10_000;
const MAX_KEYS = 1_000;
const FIRST_LINES_PER_WINDOW = 20;
const SUMMARY_LINES_PER_WINDOW = 20;
const DEVICE_IDS_PER_SUMMARY = 5;

interface Tally {
  source: string | undefined;
  reason: string;
  code: ErrorCode;
  /** Refusals since the last line about this key. */
  count: number;
  deviceIds: Set<string>;
}

export class Refusals {
  // Connections already being closed for a refusal. MQTT 3.1.1 has no negative
  // PUBACK, so a refused publish closes the connection; an oversize PUBLISH is
  // seen first by the size guard and then again by authorizePublish, and it
  // is one refusal, not two.
  readonly #closing = new WeakSet<Client>();
  readonly #logger: Logger;
  readonly #metrics: BrokerMetrics;
  readonly #tallies: LRUCache<string, Tally>;
  /** Refusals not logged under a key of their own this window. */
  readonly #other = { count: 0, keys: 0 };
  #firstLines = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(logger: Logger, metrics: BrokerMetrics) {
    this.#logger = logger;
    this.#metrics = metrics;
    this.#tallies = new LRUCache<string, Tally>({
      max: MAX_KEYS,
      // a key pushed out with refusals not yet logged still shows up in the "other sources" line
      dispose: (tally, _key, why) => {
        if (why === "evict" && tally.count > 0) this.#fold(tally);
      },
    });
    metrics.bounded("refusal_log_keys", () => this.#tallies.size);
  }

  /**
   * A refusal that does not end the connection (a subscription, a CONNECT that is answered).
   * `source`: the client's address; without it the refusal is keyed by its device or client id.
   */
  record(subject: Subject, refusal: Refusal, source?: string): void {
    this.#metrics.refusal(refusal.code);
    const key = `${source ?? `id:${subject.deviceId ?? subject.clientId ?? ""}`}\n${refusal.reason}`;
    const tally = this.#tallies.get(key);
    if (tally) {
      tally.count++;
      if (subject.deviceId && tally.deviceIds.size < DEVICE_IDS_PER_SUMMARY) tally.deviceIds.add(subject.deviceId);
      return;
    }
    this.#schedule();
    const fresh: Tally = { source, reason: refusal.reason, code: refusal.code, count: 0, deviceIds: new Set() };
    this.#tallies.set(key, fresh);
    if (this.#firstLines >= FIRST_LINES_PER_WINDOW) {
      // too many new keys this window: this one is first told in the window's summary
      fresh.count = 1;
      if (subject.deviceId) fresh.deviceIds.add(subject.deviceId);
      return;
    }
    this.#firstLines++;
    this.#logger.warn({ ...subject, ...(source ? { source } : {}), code: refusal.code, ...refusal.details }, `mqtt refused: ${refusal.reason}`);
  }

  /** A refusal that closes the client's connection; recorded once per connection. */
  closing(client: Client, subject: Subject, refusal: Refusal): void {
    if (this.#closing.has(client)) return;
    this.#closing.add(client);
    this.record(subject, refusal, remoteAddressOf(client));
  }

  /** Runs while any key is remembered; a quiet broker has no timer. */
  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => this.#flush(), REFUSAL_LOG_WINDOW_MS);
    this.#timer.unref();
  }

  /** The end of a window: one line per busy key, the rest folded; quiet keys are forgotten. */
  #flush(): void {
    this.#timer = undefined;
    const busy: Tally[] = [];
    for (const [key, tally] of [...this.#tallies.entries()]) {
      if (tally.count > 0) busy.push(tally);
      // quiet for a whole window: its next refusal is logged at once again
      else this.#tallies.delete(key);
    }
    busy.sort((a, b) => b.count - a.count);
    const windowS = REFUSAL_LOG_WINDOW_MS / 1000;
    for (const [i, tally] of busy.entries()) {
      if (i < SUMMARY_LINES_PER_WINDOW) {
        const { source, code, count, reason } = tally;
        const deviceIds = [...tally.deviceIds];
        this.#logger.warn({ ...(source ? { source } : {}), code, count, windowS, ...(deviceIds.length ? { deviceIds } : {}) }, `mqtt refused ${count} more in ${windowS} s: ${reason}`);
      } else {
        this.#fold(tally);
      }
      tally.count = 0;
      tally.deviceIds.clear();
    }
    if (this.#other.count > 0) {
      const { count, keys } = this.#other;
      this.#logger.warn({ count, keys, windowS }, `mqtt refused ${count} more in ${windowS} s from ${keys} other (source, reason) pairs`);
    }
    this.#other.count = 0;
    this.#other.keys = 0;
    this.#firstLines = 0;
    if (this.#tallies.size > 0) this.#schedule();
  }

  #fold(tally: Tally): void {
    this.#other.count += tally.count;
    this.#other.keys++;
  }
}
