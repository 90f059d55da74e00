/**
 * The emulated firmware's retry schedules, as docs/device-protocol.md asks of a device
 * ("Rules a device follows", "CONNACK codes"); the delays come from backoffMs.
 */
import type { BackoffPolicy } from "@helpkey/shared/backoff";

/** An unacked alarm is published again after 2, 4, 8, 16 s, then every 30 s; no jitter. */
export const ALARM_RETRANSMIT: Readonly<BackoffPolicy> = Object.freeze({ baseMs: 2_000, capMs: 30_000 });

/**
 * Reconnects: 1 s doubling to 30 s, plus up to 1 s at random. mqtt.js alone reconnects after a fixed
 * period, and after a broker restart a whole fleet would come back in the same millisecond.
 */
export const RECONNECT: Readonly<BackoffPolicy> = Object.freeze({ baseMs: 1_000, capMs: 30_000, jitterMs: 1_000 });
