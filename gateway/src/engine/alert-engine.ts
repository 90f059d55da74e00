/**
 * The alert engine: what happens to an alert on each event.
 * Pure functions of (alert, event, now, policy) → decision. No database, network or clock.
 */
import { kindPriority, terminalStates, type AlarmAction, type AlarmKind, type AlertState, type Outcome } from "@helpkey/shared";
import type { Policy } from "@helpkey/shared";

/** The part of an alert the engine reasons about. */
export interface AlertCore {
  id: number;
  state: AlertState;
  kind: AlarmKind;
  priority: number;
  pressCount: number;
  firstPressAt: number;
  lastPressAt: number;
  /** Who acknowledged: a dispatcher, or the contact who claimed it. */
  acknowledgedBy: string | null;
  /** A person on the way (a contact's 1, a patrol member's "on my way"); never a dispatcher. */
  goingBy: string | null;
  arrivedAt: number | null;
  overdueAt: number | null;
}

export interface Press {
  action: AlarmAction;
  kind: AlarmKind;
}

export type PressDecision =
  | { type: "create"; kind: AlarmKind; priority: number; state: "open" }
  /** A test press: recorded as an alert closed at once with outcome "test", nobody notified. */
  | { type: "test"; kind: AlarmKind; priority: number }
  | {
      type: "join"; alertId: number; pressCount: number; kind: AlarmKind; priority: number;
      /** A more urgent kind: the new kind's alarm goes out at once, as a new alarm's would. */
      escalated: boolean;
      /** Pressed again after someone claimed or acknowledged it: whether anyone is with her (null: still open, or a test press). */
      again: null | "on_site" | "nobody_on_site";
    }
  | { type: "cancel"; alertId: number }
  | { type: "cancel_requested"; alertId: number }
  | { type: "ignore"; reason: "cancel_without_open_alert" };

export function isTerminal(state: AlertState): boolean {
  return terminalStates.includes(state);
}

export function priorityOf(kind: AlarmKind): number {
  return kindPriority[kind];
}

/**
 * A press from a household: create an alert, or join the household's open one
 * (a more urgent kind upgrades it), or withdraw it within the cancel window.
 */
export function decidePress(open: AlertCore | null, press: Press, now: number, policy: Policy): PressDecision {
  const active = open && !isTerminal(open.state) ? open : null;
  if (press.action === "cancel") {
    if (!active) return { type: "ignore", reason: "cancel_without_open_alert" };
    const withinWindow = now - active.firstPressAt <= policy.cancelWindowS * 1000;
    return withinWindow && active.state === "open" ? { type: "cancel", alertId: active.id } : { type: "cancel_requested", alertId: active.id };
  }
  if (press.action === "test" && !active) return { type: "test", kind: press.kind, priority: priorityOf(press.kind) };
  if (!active) return { type: "create", kind: press.kind, priority: priorityOf(press.kind), state: "open" };
  const priority = priorityOf(press.kind);
  const escalated = press.action === "raise" && priority < active.priority;
  const claimed = press.action === "raise" && active.state !== "open";
  return {
    type: "join",
    alertId: active.id,
    pressCount: active.pressCount + 1,
    kind: escalated ? press.kind : active.kind,
    priority: escalated ? priority : active.priority,
    escalated,
    again: claimed ? (active.arrivedAt !== null ? "on_site" : "nobody_on_site") : null,
  };
}

export const consoleActions = ["acknowledge", "dispatch", "arrive", "resolve", "cancel"] as const;
export type ConsoleAction = (typeof consoleActions)[number];

/** The console's actions and the system's own "reopen" (nobody arrived in time: back to open). */
export type Transition = ConsoleAction | "reopen";

/**
 * Which states each transition may start from (everything else is illegal: HTTP 409) and where it
 * goes; null keeps the state ("on site" changes who is there, not how far the alert is).
 */
const transitions: Record<Transition, { from: readonly AlertState[]; to: AlertState | null }> = {
  acknowledge: { from: ["open"], to: "acknowledged" },
  dispatch: { from: ["open", "acknowledged"], to: "responding" },
  arrive: { from: ["acknowledged", "responding"], to: null },
  resolve: { from: ["acknowledged", "responding"], to: "resolved" },
  cancel: { from: ["open", "acknowledged"], to: "cancelled" },
  reopen: { from: ["acknowledged", "responding"], to: "open" },
};

export type TransitionResult =
  | { ok: true; from: AlertState; to: AlertState; terminal: boolean; outcome?: Outcome }
  | { ok: false; reason: string };

export function decideAction(alert: Pick<AlertCore, "state">, action: Transition, outcome?: Outcome): TransitionResult {
  const t = transitions[action];
  if (!t.from.includes(alert.state)) {
    return { ok: false, reason: `cannot ${action} an alert that is ${alert.state}` };
  }
  const to = t.to ?? alert.state;
  return { ok: true, from: alert.state, to, terminal: isTerminal(to), ...(outcome ? { outcome } : {}) };
}

export type GoingDecision =
  /** The first 1 of an open alert: claimed (acknowledged) by the person who is going. */
  | { type: "claim" }
  /** The community centre has it but nobody is on the way yet: this person is, the state stays. */
  | { type: "going" }
  /** Someone else is on the way already (or this person, said twice). */
  | { type: "already"; by: string }
  | { type: "closed" };

/**
 * A person says they are going (a contact's 1 by key or SMS, a patrol member's "on my way"). A patrol
 * member sent by the centre is the one now on the way, whoever said so before them.
 */
export function decideGoing(alert: Pick<AlertCore, "state" | "goingBy" | "arrivedAt">, who: string, patrol = false): GoingDecision {
  if (isTerminal(alert.state)) return { type: "closed" };
  if (alert.state === "open") return { type: "claim" };
  if (patrol) return { type: "going" };
  if (alert.goingBy !== null && alert.goingBy !== who && alert.arrivedAt === null) return { type: "already", by: alert.goingBy };
  if (alert.goingBy === who) return { type: "already", by: who };
  return { type: "going" };
}

/** Orders a queue: priority first (lower is more urgent), then the oldest first press. */
export function compareForQueue(a: Pick<AlertCore, "priority" | "firstPressAt" | "id">, b: Pick<AlertCore, "priority" | "firstPressAt" | "id">): number {
  return a.priority - b.priority || a.firstPressAt - b.firstPressAt || a.id - b.id;
}
