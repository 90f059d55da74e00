/**
 * Retry timing of the emulated firmware, as pure functions so tests can pin them down.
 */

export interface BackoffPolicy {
  /** First delay, doubled after every attempt. */
  baseMs: number;
  /** Longest delay. */
  capMs: number;
}

/** DESIGN.md "Device protocol": an unacked alarm is published again every 2, 4, 8, … s, capped at 30 s. */
export const ALARM_RETRANSMIT: Readonly<BackoffPolicy> = Object.freeze({ baseMs: 2_000, capMs: 30_000 });

/** Delay before the next publish of an alarm that has been published `publishes` times (≥ 1). */
export function retransmitDelayMs(publishes: number, policy: BackoffPolicy = ALARM_RETRANSMIT): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, publishes - 1));
}

export interface ReconnectPolicy extends BackoffPolicy {
  /** Uniform random extra delay in [0, jitterMs). */
  jitterMs: number;
}

/**
 * mqtt.js reconnects every `reconnectPeriod` ms exactly (TOOLCHAIN.md "mqtt.js 5"): after a broker
 * restart a whole fleet would come back in the same millisecond. Real firmware spreads itself out,
 * so the delay doubles per consecutive failure and gets random jitter.
 */
export function reconnectDelayMs(failures: number, policy: ReconnectPolicy, random: () => number = Math.random): number {
  return retransmitDelayMs(failures + 1, policy) + Math.floor(random() * policy.jitterMs);
}
