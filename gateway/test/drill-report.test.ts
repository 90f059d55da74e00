/**
 * The drill report's pure rules: each step timed from the press and met or missed against its
 * target, not applicable when the family is left out or the alarm was withdrawn, pending until its
 * target time passes; the press on the device's clock only when that clock is plausible; times in
 * the community's zone. And the cascade's rule for a drill that leaves the family out.
 */
import { describe, expect, it } from "vitest";
import { defaultPolicy } from "@helpkey/shared";
import type { DrillView } from "@helpkey/shared/drills";
import { buildReport, localIso, reportRow, type DrillAlarm } from "../src/drills/drill-report";
import { alarmRecipients, planCascade } from "../src/engine/cascade";

const T0 = Date.UTC(2026, 11, 6, 2, 0, 0); // 10:00 in Shanghai
const targets = { ackMs: 1000, consoleMs: 1000, firstCallS: 30, claimS: 180, arrivalS: 900 };
const address = { community: "幸福里社区", building: "1号楼", unit: "2单元", room: "302" };

function alarm(over: Partial<DrillAlarm["alert"]> = {}, times: Partial<DrillAlarm["times"]> = {}): DrillAlarm {
  return {
    alert: {
      id: 1, householdId: 2, deviceId: "btn-1", kind: "emergency", state: "responding", outcome: null, firstPressAt: T0 + 150,
      goingAt: null, goingBy: null, acknowledgedAt: T0 + 60_000, acknowledgedBy: "李调度", arrivedAt: T0 + 600_000, ...over,
    },
    address,
    times: { firstPress: { deviceTs: T0, receivedAt: T0 + 150 }, consoleAt: T0 + 150, firstCallAt: T0 + 2_000, ...times },
  };
}
const row = (a: DrillAlarm, o: { callFamily?: boolean; now?: number } = {}) => reportRow(a, { targets, timeZone: "Asia/Shanghai", callFamily: o.callFamily ?? true, now: o.now ?? T0 + 3_600_000 });

describe("a drill report's row", () => {
  it("times every step from the device's press, met or missed against its target, in the community's zone", () => {
    const r = row(alarm({ arrivedAt: T0 + 1_000_000 }));
    expect(r.press).toEqual({ at: T0, source: "device", local: "2026-12-06T10:00:00+08:00" });
    expect(r.steps.ack).toMatchObject({ ms: 150, result: "met" });
    expect(r.steps.console).toMatchObject({ ms: 150, result: "met" });
    expect(r.steps.firstCall).toMatchObject({ ms: 2_000, result: "met", local: "2026-12-06T10:00:02+08:00" });
    expect(r.steps.claim).toMatchObject({ ms: 60_000, result: "met", by: "李调度" });
    expect(r.steps.arrival).toMatchObject({ ms: 1_000_000, targetMs: 900_000, result: "missed" });
  });

  it("takes the earlier of a person going and a dispatcher's acknowledge as the claim", () => {
    expect(row(alarm({ goingAt: T0 + 20_000, goingBy: "王丽（女儿）" })).steps.claim).toMatchObject({ ms: 20_000, by: "王丽（女儿）" });
  });

  it("uses the system's receipt when the device's clock is hours off (or ahead)", () => {
    for (const deviceTs of [T0 - 6 * 3_600_000, T0 + 60_000]) {
      const r = row(alarm({}, { firstPress: { deviceTs, receivedAt: T0 + 150 } }));
      expect(r.press).toMatchObject({ at: T0 + 150, source: "gateway" });
      expect(r.steps.ack.ms).toBe(0);
    }
  });

  it("a press the device had to send again shows the resident's wait", () => {
    expect(row(alarm({}, { firstPress: { deviceTs: T0 - 40_000, receivedAt: T0 + 150 } })).steps.ack).toMatchObject({ ms: 40_150, result: "missed" });
  });

  it("no first call when the family is left out, or when someone had the alarm before a call was placed", () => {
    expect(row(alarm(), { callFamily: false }).steps.firstCall).toMatchObject({ at: null, result: "skipped" });
    expect(row(alarm({}, { firstCallAt: null })).steps.firstCall).toMatchObject({ at: null, result: "skipped" });
    // open, nobody called in time: missed
    expect(row(alarm({ acknowledgedAt: null, acknowledgedBy: null, arrivedAt: null, state: "open" }, { firstCallAt: null })).steps.firstCall.result).toBe("missed");
  });

  it("pending until a step's target time has passed, missed after; not applicable once withdrawn", () => {
    const open = alarm({ acknowledgedAt: null, acknowledgedBy: null, arrivedAt: null, state: "open" });
    expect(row(open, { now: T0 + 60_000 }).steps.claim.result).toBe("pending");
    expect(row(open, { now: T0 + 181_000 }).steps.claim.result).toBe("missed");
    expect(row(open, { now: T0 + 181_000 }).steps.arrival.result).toBe("pending");
    const cancelled = row(alarm({ state: "cancelled", acknowledgedAt: null, acknowledgedBy: null, arrivedAt: null }, { firstCallAt: null }));
    expect([cancelled.steps.firstCall.result, cancelled.steps.claim.result, cancelled.steps.arrival.result]).toEqual(["skipped", "skipped", "skipped"]);
  });
});

describe("a drill report", () => {
  const drill: DrillView = { id: 3, communityId: 1, communityName: "幸福里社区", name: "夜间演练", callFamily: true, startedBy: "主管", startedAt: T0 - 60_000, endedAt: null, running: true, timeZone: "Asia/Shanghai" };
  it("summarises each step (median, worst) and says whether every step was met", () => {
    const r = buildReport(drill, [alarm({ id: 1 }), alarm({ id: 2, arrivedAt: T0 + 1_000_000 })], targets, T0 + 3_600_000, true);
    expect(r.summary.alarms).toBe(2);
    expect(r.summary.steps.arrival).toEqual({ met: 1, missed: 1, skipped: 0, pending: 0, medianMs: 800_000, worstMs: 1_000_000 });
    expect(r.summary.allMet).toBe(false);
    expect(buildReport(drill, [alarm()], targets, T0 + 3_600_000, true).summary.allMet).toBe(true);
    expect(buildReport(drill, [], targets, T0, false).summary.allMet).toBe(false);
  });
  it("writes local times with the zone's own offset", () => {
    expect(localIso(T0, "America/New_York")).toBe("2026-12-05T21:00:00-05:00");
    expect(localIso(T0, "UTC")).toBe("2026-12-06T02:00:00+00:00");
  });
});

describe("the cascade in a drill that leaves the family out", () => {
  const family = [{ id: 1, priority: 1, family: true }, { id: 2, priority: 2, family: true }];
  const input = { state: "open" as const, kind: "emergency" as const, firstPressAt: T0, contacts: family, hasSupervisor: true, calls: [], policy: defaultPolicy };
  it("calls and texts no one of the family, and still calls the supervisor when it is due", () => {
    expect(planCascade({ ...input, now: T0, drillQuiet: true })).toEqual({ calls: [], nextCheckAt: T0 + defaultPolicy.supervisorAfterS * 1000 });
    expect(planCascade({ ...input, now: T0 + defaultPolicy.supervisorAfterS * 1000, drillQuiet: true }).calls).toEqual([{ contactId: null, wave: 99, round: 1 }]);
    expect(planCascade({ ...input, now: T0, drillQuiet: false }).calls.map((c) => c.contactId)).toEqual([1]);
    expect(alarmRecipients({ kind: "emergency", drillQuiet: true }, [{ relation: "daughter", family: true }])).toEqual([]);
    expect(alarmRecipients({ kind: "emergency", drillQuiet: false }, [{ relation: "daughter", family: true }])).toHaveLength(1);
  });
  it("still calls and texts the neighbours and help groups: they are part of the rehearsal", () => {
    const contacts = [...family, { id: 3, priority: 3, family: false }, { id: 4, priority: 1, family: false, helpGroupId: 7 }];
    expect(planCascade({ ...input, contacts, now: T0, drillQuiet: true }).calls.map((c) => c.contactId)).toEqual([3]);
    const recipients = alarmRecipients({ kind: "emergency", drillQuiet: true }, [{ relation: "daughter", family: true }, { relation: "neighbour", family: false }]);
    expect(recipients.map((c) => c.relation)).toEqual(["neighbour"]);
  });
  it("found real, starts the waves again from the first: the calls of the drill count for nothing", () => {
    const contacts = [...family, { id: 3, priority: 3, family: false }];
    // during the drill the neighbour's wave (wave 1 of the drill's list) rang and ended
    const calls = [{ contactId: 3, wave: 1, round: 1, startedAt: T0, ended: true }];
    const realAt = T0 + 30_000;
    expect(planCascade({ ...input, contacts, calls, now: realAt, since: realAt }).calls).toEqual([{ contactId: 1, wave: 1, round: 1 }]);
  });
});
