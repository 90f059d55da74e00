/**
 * Supervision's pure decisions: a device's window and keepalive, and what a status says about its
 * battery and self-test. No database, no clock: time and policy come in as arguments.
 *
 * The broker publishes a device's Last Will once 1.5 × keepalive passes without a packet
 * (MQTT 3.1.1 §3.1.2.10), so a keepalive of at most 2/3 of the window has a dead link noticed within
 * the window; a device still offline one window after that is a fault.
 */
import type { Policy, StatusPayload } from "@helpkey/shared";

export type Supervision = Policy["supervision"];

/** Seconds offline before it is a fault: the device's own window (close watch), else the community's. */
export function windowOf(p: Supervision, supervisionS: number | null): number {
  return supervisionS ?? p.windowS;
}

/** The keepalive a device is given: the community's, shortened so that 1.5 × keepalive fits in its window. */
export function keepaliveFor(p: Supervision, supervisionS: number | null): number {
  return Math.max(1, Math.min(p.keepaliveS, Math.floor((windowOf(p, supervisionS) * 2) / 3)));
}

/** When a device gone silent at `from` becomes a fault. */
export function silentDueFrom(p: Supervision, supervisionS: number | null, from: number): number {
  return from + windowOf(p, supervisionS) * 1000;
}

export type FaultStep = "raise" | "clear" | "keep";

/** A battery level below the policy's is a fault; one at or above it clears it; no level says nothing. */
export function batteryStep(p: Supervision, battery: number | undefined): FaultStep {
  if (battery === undefined) return "keep";
  return battery < p.lowBatteryPct ? "raise" : "clear";
}

/** A failed self-test is a fault until a later one passes. */
export function selftestStep(s: Pick<StatusPayload, "selftest">): FaultStep {
  if (s.selftest === undefined) return "keep";
  return s.selftest === "failed" ? "raise" : "clear";
}
