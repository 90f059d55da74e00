/**
 * The alert engine: what happens to an alert on each event (DESIGN.md "Alerts").
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
}

export interface Press {
  action: AlarmAction;
  kind: AlarmKind;
}

export type PressDecision =
  | { type: "create"; kind: AlarmKind; priority: number; state: "open" }
  /** A test press: recorded as an alert closed at once with outcome "test", nobody notified. */
  | { type: "test"; kind: AlarmKind; priority: number }
  | { type: "join"; alertId: number; pressCount: number; kind: AlarmKind; priority: number; escalated: boolean }
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
  return {
    type: "join",
    alertId: active.id,
    pressCount: active.pressCount + 1,
    kind: escalated ? press.kind : active.kind,
    priority: escalated ? priority : active.priority,
    escalated,
  };
}

export const consoleActions = ["acknowledge", "dispatch", "arrive", "resolve", "cancel"] as const;
export type ConsoleAction = (typeof consoleActions)[number];

/** Which states each action may start from; everything else is an illegal transition (HTTP 409). */
const transitions: Record<ConsoleAction, { from: readonly AlertState[]; to: AlertState }> = {
  acknowledge: { from: ["open"], to: "acknowledged" },
  dispatch: { from: ["open", "acknowledged"], to: "responding" },
  arrive: { from: ["responding"], to: "responding" },
  resolve: { from: ["acknowledged", "responding"], to: "resolved" },
  cancel: { from: ["open", "acknowledged"], to: "cancelled" },
};

export type TransitionResult =
  | { ok: true; from: AlertState; to: AlertState; terminal: boolean; outcome?: Outcome }
  | { ok: false; reason: string };

export function decideAction(alert: Pick<AlertCore, "state">, action: ConsoleAction, outcome?: Outcome): TransitionResult {
  const t = transitions[action];
  if (!t.from.includes(alert.state)) {
    return { ok: false, reason: `cannot ${action} an alert that is ${alert.state}` };
  }
  return { ok: true, from: alert.state, to: t.to, terminal: isTerminal(t.to), ...(outcome ? { outcome } : {}) };
}

/** Orders a queue: priority first (lower is more urgent), then the oldest first press. */
export function compareForQueue(a: Pick<AlertCore, "priority" | "firstPressAt" | "id">, b: Pick<AlertCore, "priority" | "firstPressAt" | "id">): number {
  return a.priority - b.priority || a.firstPressAt - b.firstPressAt || a.id - b.id;
}
