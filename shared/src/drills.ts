/**
 * Drills (演练): while one runs in a community, every alarm there is marked as a drill alarm,
 * bannered on the console, and the family is called and texted only when the drill says so. Its
 * report times each alarm's steps against the community's targets (policy `targets`).
 */
import { z } from "zod";
import type { Address, AlertState, Outcome } from "./domain";
import type { AlarmKind } from "./protocol";
import { idSchema, idTextSchema } from "./ids";
import { pageQuerySchema } from "./registry";

export const startDrillSchema = z.object({
  communityId: idSchema,
  name: z.string().trim().min(1).max(100),
  /** The family's phones ring and get texts as in a real alarm; otherwise no contact is phoned or texted. */
  callFamily: z.boolean().default(false),
});
export type StartDrill = z.infer<typeof startDrillSchema>;

/** `GET /api/drills`: newest first, one page (`limit`, opaque `cursor`, `x-next-cursor` while more follow). */
export const drillListQuerySchema = pageQuerySchema.extend({
  communityId: idTextSchema.optional(),
  /** "true": only drills that run now (the consoles' banner); "false": only ended ones. */
  running: z.enum(["true", "false"]).optional(),
});

export interface DrillView {
  id: number;
  communityId: number;
  communityName: string;
  name: string;
  callFamily: boolean;
  startedBy: string;
  startedAt: number;
  endedAt: number | null;
  running: boolean;
  /** The community's time zone: the report's times are read in it. */
  timeZone: string;
}

/** An alarm's steps, each timed from its press. */
export const drillSteps = ["ack", "console", "firstCall", "claim", "arrival"] as const;
export type DrillStep = (typeof drillSteps)[number];

/**
 * met / missed the target; skipped: the step does not apply (the family not called, the alarm
 * cancelled); pending: it has not happened and its target time has not passed yet (a running
 * drill's report so far, or a drill ended before the step was due).
 */
export type StepResult = "met" | "missed" | "skipped" | "pending";

export interface DrillStepTime {
  /** When the step happened (epoch ms), null when it did not. */
  at: number | null;
  /** The same moment in the community's time zone, ISO 8601 with its offset. */
  local: string | null;
  /** Milliseconds from the press. */
  ms: number | null;
  targetMs: number;
  result: StepResult;
  /** Who took the step (the claim: the person going, or the dispatcher who acknowledged). */
  by?: string | null;
}

export interface DrillReportRow {
  alertId: number;
  householdId: number;
  deviceId: string;
  kind: AlarmKind;
  address: Address;
  state: AlertState;
  outcome: Outcome | null;
  press: {
    at: number;
    local: string;
    /** "device": the device's own press time; "gateway": when the system received it (the device's clock was off). */
    source: "device" | "gateway";
  };
  steps: Record<DrillStep, DrillStepTime>;
}

export interface DrillStepSummary {
  met: number;
  missed: number;
  skipped: number;
  pending: number;
  medianMs: number | null;
  worstMs: number | null;
}

/** What a drill's steps are held to (policy `targets`). */
export interface DrillTargets {
  ackMs: number;
  consoleMs: number;
  firstCallS: number;
  claimS: number;
  arrivalS: number;
}

export interface DrillReport {
  drill: DrillView;
  timeZone: string;
  targets: DrillTargets;
  /** One row per alarm of the drill, in the order they were raised (at most the first 2,000). */
  rows: DrillReportRow[];
  /** More alarms than rows: the summary counts them all. */
  truncated: boolean;
  summary: {
    alarms: number;
    steps: Record<DrillStep, DrillStepSummary>;
    /** Every step of every alarm met its target or did not apply (and there was an alarm). */
    allMet: boolean;
  };
  generatedAt: number;
  /** Written when the drill ended; false: the report so far of a drill still running. */
  final: boolean;
}

/** `GET /api/drills/:id`: the drill and its report (the stored one once ended, the report so far while it runs). */
export interface DrillDetail extends DrillView {
  report: DrillReport;
}
