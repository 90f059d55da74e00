/** What a committed change asks of the outside world, carried out only after the commit. */
import type { AckPayload, CmdPayload, ConsoleEvent, Language } from "@helpkey/shared";

export interface Effects {
  acks: { deviceId: string; ack: AckPayload }[];
  events: ConsoleEvent[];
  /** New outbox rows or due cascade timers: wake the notification worker. */
  wakeOutbox: boolean;
  /** Provider call sids to hang up (still ringing, or a voicemail). */
  cancelCalls: string[];
  /** Answered calls: tell the listener why the call ends ("X is already going"), then hang up. */
  endCalls: { sid: string; text: string; language: Language }[];
  /** Commands to devices (`cmd`, QoS 1): a TV message. */
  cmds: { deviceId: string; cmd: CmdPayload }[];
}

export function emptyEffects(): Effects {
  return { acks: [], events: [], wakeOutbox: false, cancelCalls: [], endCalls: [], cmds: [] };
}

export function mergeEffects(into: Effects, from: Effects): Effects {
  into.acks.push(...from.acks);
  into.events.push(...from.events);
  into.wakeOutbox ||= from.wakeOutbox;
  into.cancelCalls.push(...from.cancelCalls);
  into.endCalls.push(...from.endCalls);
  into.cmds.push(...from.cmds);
  return into;
}
