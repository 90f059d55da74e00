/**
 * The phone channel's thread runs at a lower CPU priority than the rest of the gateway (issue 4).
 * On a full 2-core machine at 1,000 presses/s, the twilio SDK's requests competed for the cores
 * with the threads that store alarms and ack them (the event loop and the broker). Lowered, the
 * notifications take the CPU the alarm path leaves, as the outbox already lets acks go first
 * (in-flight-limit.ts). On an idle machine nothing changes: a thread at a lower priority still
 * gets every core nobody else wants.
 */
import { getPriority, setPriority } from "node:os";

/** How much lower (a nice value added to the thread's own). */
export const BACKGROUND_NICE_STEP = 10;
const LOWEST = 19;

/**
 * Lowers the calling thread's priority by BACKGROUND_NICE_STEP; returns its nice value after, or
 * null when nothing changed. Linux only: there a nice value belongs to each thread and
 * setpriority(pid 0) means the calling thread; elsewhere it would lower the whole process.
 */
export function lowerThisThreadPriority(): number | null {
  if (process.platform !== "linux") return null;
  try {
    setPriority(0, Math.min(LOWEST, getPriority(0) + BACKGROUND_NICE_STEP));
    return getPriority(0);
  } catch {
    return null; // not allowed here (a sandbox): the thread keeps its priority
  }
}
