/** What a committed change asks of the outside world, carried out only after the commit. */
import type { AckPayload, ConsoleEvent } from "@helpkey/shared";

export interface Effects {
  acks: { deviceId: string; ack: AckPayload }[];
  events: ConsoleEvent[];
  /** New outbox rows or due cascade timers: wake the notification worker. */
  wakeOutbox: boolean;
  /** Provider call sids to hang up (the alert was claimed or closed). */
  cancelCalls: string[];
}

export function emptyEffects(): Effects {
  return { acks: [], events: [], wakeOutbox: false, cancelCalls: [] };
}

export function mergeEffects(into: Effects, from: Effects): Effects {
  into.acks.push(...from.acks);
  into.events.push(...from.events);
  into.wakeOutbox ||= from.wakeOutbox;
  into.cancelCalls.push(...from.cancelCalls);
  return into;
}
