/**
 * Background threads (the phone channel, the login hash worker) run at a lower CPU priority than the
 * rest of the gateway. On a full machine their work competes for the cores with the threads that
 * store alarms and ack them (the event loop and the broker); lowered, it takes the CPU the alarm
 * path leaves, as the outbox already lets acks go first (in-flight-limit.ts). On an idle machine
 * nothing changes: a thread at a lower priority still gets every core nobody else wants. The worker
 * host applies it in the thread (threads/worker-side.ts; on Linux a nice value belongs to each thread).
 */

/** How much lower (a nice value added to the thread's own). */
export const BACKGROUND_NICE_STEP = 10;
