/**
 * The arrival timer: a claimed or acknowledged alert with nobody on site after `arrivalTimeoutS`
 * comes back. The person on the way is asked first (a call: 1 = with her, 2 = cannot go); a
 * dispatcher's acknowledge has nobody to ask, so the alert reopens at once. Pure: time comes in as `now`.
 */
import type { AlarmKind, AlertState, Policy } from "@helpkey/shared";
import { isTerminal } from "./alert-engine";

export interface ArrivalCore {
  state: AlertState;
  kind: AlarmKind;
  goingBy: string | null;
  arrivedAt: number | null;
  overdueAt: number | null;
  /** Raised in maintenance: nobody is called, so nothing comes back either. */
  maintenance?: boolean;
}

/**
 * Whether the timer runs for this alert at all: a service request has no calls and no one to send
 * (the grid worker answers it in their own time), so it never comes back with sound; nor does an
 * alert raised in maintenance, for which nobody is called.
 */
export function arrivalTimed(a: Pick<ArrivalCore, "kind" | "arrivedAt" | "maintenance">): boolean {
  return a.kind !== "service" && a.arrivedAt === null && !a.maintenance;
}

/** When the timer of a claim or acknowledge made `now` fires (null: it does not run). */
export function arrivalDue(a: Pick<ArrivalCore, "kind" | "arrivedAt" | "maintenance">, now: number, policy: Policy): number | null {
  return arrivalTimed(a) ? now + policy.arrivalTimeoutS * 1000 : null;
}

/**
 * How long the person on the way has to confirm once asked: one ring and one wave, as long as the
 * cascade gives any contact before it moves on. Unanswered by then, the alert reopens.
 */
export function confirmWindowMs(policy: Policy): number {
  return (policy.ringTimeoutS + policy.waveTimeoutS) * 1000;
}

export type ArrivalDecision =
  /** Nothing to do (closed, open, someone arrived): the timer is cleared. */
  | { type: "none" }
  /** Ask the person on the way: overdue now, and reopen if they have not confirmed by `confirmBy`. */
  | { type: "confirm"; overdueAt: number; confirmBy: number }
  | { type: "reopen" };

/** The arrival timer fired (or the resident pressed again with nobody on site, which counts the same). */
export function decideArrivalDue(a: ArrivalCore, now: number, policy: Policy): ArrivalDecision {
  if (isTerminal(a.state) || a.state === "open" || !arrivalTimed(a)) return { type: "none" };
  // asked already and the window ran out (or she pressed again meanwhile): nobody is coming
  if (a.overdueAt !== null) return { type: "reopen" };
  if (a.goingBy === null) return { type: "reopen" };
  return { type: "confirm", overdueAt: now, confirmBy: now + confirmWindowMs(policy) };
}

/** What the person on the way answered on the confirm call; "ended" is no key, voicemail, no answer or a failed call. */
export type ConfirmAnswer = "1" | "2" | "ended";
export type ConfirmDecision = "arrived" | "reopen" | "ignore";

/**
 * The confirm call's answer counts only while the alert still waits for it: asked (overdue), and
 * not since settled by an arrival, a reopen, a resolve or a cancel. `askedAt` is when the call was
 * queued: an answer to an earlier round of asking changes nothing now.
 */
export function decideConfirm(a: Pick<ArrivalCore, "state" | "arrivedAt" | "overdueAt">, askedAt: number, answer: ConfirmAnswer): ConfirmDecision {
  if (a.state !== "acknowledged" && a.state !== "responding") return "ignore";
  if (a.arrivedAt !== null || a.overdueAt === null || askedAt < a.overdueAt) return "ignore";
  return answer === "1" ? "arrived" : "reopen";
}
