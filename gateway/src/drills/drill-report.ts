/**
 * A drill's report, pure: each alarm's steps timed from its press and held to the community's
 * targets (policy `targets`), and a summary per step. The steps:
 * - ack: the press stored, which is when the device's ack `received` leaves (the ack waits only for
 *   that commit to be on disk); from the device's own press time, so a press the device had to
 *   send again (its link down) shows the wait the resident had;
 * - console: the alert.created event, the alarm on every console of the community;
 * - first call: the first call of the cascade the phone network took (not applicable when the drill
 *   leaves the family out, or when someone had the alarm before any call was placed);
 * - claim: a person going (a contact's 1, a patrol member on the way) or a dispatcher's acknowledge,
 *   whichever came first;
 * - arrival: someone on site.
 * A step that has not happened is pending until its target time has passed, missed after.
 * The press time is the device's clock when it is plausible (not ahead of the system's, at most an
 * hour behind it), else the time the system received the press.
 */
import { drillSteps, type DrillReport, type DrillReportRow, type DrillStep, type DrillStepSummary, type DrillStepTime, type DrillTargets, type DrillView } from "@helpkey/shared/drills";
import type { AlertRow } from "../store/alerts";
import type { AlarmTimes } from "./drill-store";

/** Rows a report holds; a larger drill is summarised whole and its first rows listed. */
const REPORT_ROWS_MAX = 2_000;
/** A device clock ahead of the system's by more than this, or behind by more than MAX_BEHIND_MS, is not trusted. */
const MAX_AHEAD_MS = 2_000;
const MAX_BEHIND_MS = 3_600_000;

export interface DrillAlarm {
  alert: Pick<AlertRow, "id" | "householdId" | "deviceId" | "kind" | "state" | "outcome" | "firstPressAt" | "goingAt" | "goingBy" | "acknowledgedAt" | "acknowledgedBy" | "arrivedAt">;
  address: DrillReportRow["address"];
  times: AlarmTimes;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `ts` in the time zone as ISO 8601 with the zone's offset then: 2026-12-06T10:02:03+08:00. */
export function localIso(ts: number, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "longOffset",
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(ts).map((x) => [x.type, x.value]));
  const offset = (p.timeZoneName ?? "GMT").replace(/^GMT/, "") || "+00:00";
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offset}`;
}

function pressOf(a: DrillAlarm): { at: number; source: "device" | "gateway" } {
  const fp = a.times.firstPress;
  if (!fp) return { at: a.alert.firstPressAt, source: "gateway" };
  const behind = fp.receivedAt - fp.deviceTs;
  return behind >= -MAX_AHEAD_MS && behind <= MAX_BEHIND_MS ? { at: Math.min(fp.deviceTs, fp.receivedAt), source: "device" } : { at: fp.receivedAt, source: "gateway" };
}

function claimOf(a: DrillAlarm["alert"]): { at: number; by: string | null } | null {
  const going = a.goingAt === null ? null : { at: a.goingAt, by: a.goingBy };
  const acked = a.acknowledgedAt === null ? null : { at: a.acknowledgedAt, by: a.acknowledgedBy };
  if (!going || !acked) return going ?? acked;
  return going.at <= acked.at ? going : acked;
}

export function reportRow(a: DrillAlarm, o: { targets: DrillTargets; timeZone: string; callFamily: boolean; now: number }): DrillReportRow {
  const press = pressOf(a);
  const cancelled = a.alert.state === "cancelled";
  const claim = claimOf(a.alert);
  const step = (at: number | null, targetMs: number, notApplicable: boolean, by?: string | null): DrillStepTime => {
    const ms = at === null ? null : at - press.at;
    const result = ms !== null ? (ms <= targetMs ? "met" : "missed") : notApplicable ? "skipped" : o.now < press.at + targetMs ? "pending" : "missed";
    return { at, local: at === null ? null : localIso(at, o.timeZone), ms, targetMs, result, ...(by !== undefined ? { by } : {}) };
  };
  const t = o.targets;
  const storedAt = a.times.firstPress?.receivedAt ?? a.alert.firstPressAt;
  return {
    alertId: a.alert.id, householdId: a.alert.householdId, deviceId: a.alert.deviceId, kind: a.alert.kind, address: a.address,
    state: a.alert.state, outcome: a.alert.outcome, press: { ...press, local: localIso(press.at, o.timeZone) },
    steps: {
      ack: step(storedAt, t.ackMs, false),
      console: step(a.times.consoleAt ?? a.alert.firstPressAt, t.consoleMs, false),
      // the family left out: no call is due; someone had it (or it was withdrawn) before a call was placed: none was needed
      firstCall: o.callFamily ? step(a.times.firstCallAt, t.firstCallS * 1000, cancelled || claim !== null) : step(null, t.firstCallS * 1000, true),
      claim: step(claim?.at ?? null, t.claimS * 1000, cancelled, claim?.by ?? null),
      arrival: step(a.alert.arrivedAt, t.arrivalS * 1000, cancelled),
    },
  };
}

function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summarize(rows: readonly DrillReportRow[], s: DrillStep): DrillStepSummary {
  const times = rows.map((r) => r.steps[s]).filter((x) => x.result !== "skipped" && x.ms !== null).map((x) => x.ms!).sort((a, b) => a - b);
  const count = (res: DrillStepTime["result"]) => rows.filter((r) => r.steps[s].result === res).length;
  return { met: count("met"), missed: count("missed"), skipped: count("skipped"), pending: count("pending"), medianMs: median(times), worstMs: times.at(-1) ?? null };
}

export function buildReport(drill: DrillView, alarms: readonly DrillAlarm[], targets: DrillTargets, now: number, final: boolean): DrillReport {
  const rows = alarms.map((a) => reportRow(a, { targets, timeZone: drill.timeZone, callFamily: drill.callFamily, now }));
  const steps = Object.fromEntries(drillSteps.map((s) => [s, summarize(rows, s)])) as Record<DrillStep, DrillStepSummary>;
  return {
    drill, timeZone: drill.timeZone, targets, rows: rows.slice(0, REPORT_ROWS_MAX), truncated: rows.length > REPORT_ROWS_MAX,
    summary: { alarms: rows.length, steps, allMet: rows.length > 0 && drillSteps.every((s) => steps[s].missed === 0 && steps[s].pending === 0) },
    generatedAt: now, final,
  };
}
