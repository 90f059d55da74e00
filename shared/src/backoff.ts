/**
 * How long to wait before trying again: exponential (`baseMs`, doubled per attempt), capped, with
 * random jitter so that many clients failing together do not all retry in the same millisecond.
 * The device's alarm retransmission has no jitter: its schedule is part of the device protocol.
 */

export interface BackoffPolicy {
  /** The delay after the first attempt; doubled after every further one. */
  baseMs: number;
  /** The longest delay, before `jitterMs` is added. */
  capMs: number;
  /** Share of the delay drawn at random: 0.5 waits between half of it and all of it. Default 0. */
  jitterShare?: number;
  /** A random extra delay in [0, jitterMs), added on top. Default 0. */
  jitterMs?: number;
}

/** Milliseconds to wait after `attempt` (1 for the first) has failed, a whole number. */
export function backoffMs(attempt: number, policy: Readonly<BackoffPolicy>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const share = policy.jitterShare ?? 0;
  const jittered = share > 0 ? ceiling * (1 - share * random()) : ceiling;
  const extra = policy.jitterMs ? random() * policy.jitterMs : 0;
  return Math.floor(jittered + extra);
}
