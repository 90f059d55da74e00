import { describe, expect, it } from "vitest";
import { defaultPolicy } from "@helpkey/shared";
import { planCascade, planWaves, smsRecipients, SUPERVISOR_WAVE, type CallRecord, type CascadeInput } from "../src/engine/cascade";

const T0 = 1_700_000_000_000;
const contacts = [{ id: 1, priority: 1 }, { id: 2, priority: 1 }, { id: 3, priority: 2 }, { id: 4, priority: 5 }];
const input = (over: Partial<CascadeInput> = {}): CascadeInput => ({
  state: "open", kind: "emergency", firstPressAt: T0, contacts, hasSupervisor: true, calls: [], now: T0, policy: defaultPolicy, ...over,
});
const call = (contactId: number | null, wave: number, round: number, startedAt: number, ended = false): CallRecord => ({ contactId, wave, round, startedAt, ended });

describe("planWaves", () => {
  it("groups contacts by priority, lowest first; same priority is one wave", () => {
    expect(planWaves(contacts)).toEqual([[1, 2], [3], [4]]);
  });
});

describe("planCascade", () => {
  it("starts with the first wave in parallel and looks again after the wave timeout", () => {
    const p = planCascade(input());
    expect(p.calls).toEqual([{ contactId: 1, wave: 1, round: 1 }, { contactId: 2, wave: 1, round: 1 }]);
    expect(p.nextCheckAt).toBe(T0 + 60_000);
  });
  it("waits while the current wave is ringing", () => {
    const p = planCascade(input({ calls: [call(1, 1, 1, T0), call(2, 1, 1, T0, true)], now: T0 + 30_000 }));
    expect(p.calls).toEqual([]);
    expect(p.nextCheckAt).toBe(T0 + 60_000);
  });
  it("moves on at once when every call of the wave ended without a claim (pressed 2, no answer)", () => {
    const p = planCascade(input({ calls: [call(1, 1, 1, T0, true), call(2, 1, 1, T0, true)], now: T0 + 26_000 }));
    expect(p.calls).toEqual([{ contactId: 3, wave: 2, round: 1 }]);
  });
  it("starts the next wave after the wave timeout", () => {
    const p = planCascade(input({ calls: [call(1, 1, 1, T0), call(2, 1, 1, T0)], now: T0 + 60_000 }));
    expect(p.calls).toEqual([{ contactId: 3, wave: 2, round: 1 }]);
  });
  it("repeats rounds from the first wave after the last one", () => {
    const calls = [call(1, 1, 1, T0, true), call(2, 1, 1, T0, true), call(3, 2, 1, T0 + 1, true), call(4, 3, 1, T0 + 2, true), call(null, SUPERVISOR_WAVE, 1, T0 + 3)];
    const p = planCascade(input({ calls, now: T0 + 30_000 }));
    expect(p.calls).toEqual([{ contactId: 1, wave: 1, round: 2 }, { contactId: 2, wave: 1, round: 2 }]);
  });
  it("stops after maxRounds", () => {
    const policy = { ...defaultPolicy, maxRounds: 1 };
    const calls = [call(1, 1, 1, T0, true), call(2, 1, 1, T0, true), call(3, 2, 1, T0, true), call(4, 3, 1, T0, true), call(null, SUPERVISOR_WAVE, 1, T0)];
    expect(planCascade(input({ calls, now: T0 + 1000, policy }))).toEqual({ calls: [], nextCheckAt: null });
  });
  it("calls the supervisor once, after supervisorAfterS unclaimed", () => {
    const calls = [call(1, 1, 1, T0), call(2, 1, 1, T0), call(3, 2, 1, T0 + 60_000), call(4, 3, 1, T0 + 119_000)];
    const before = planCascade(input({ calls, now: T0 + 119_999 }));
    expect(before.calls).toEqual([]);
    expect(before.nextCheckAt).toBe(T0 + 120_000);
    const at = planCascade(input({ calls, now: T0 + 120_000 }));
    expect(at.calls).toEqual([{ contactId: null, wave: SUPERVISOR_WAVE, round: 1 }]);
    const after = planCascade(input({ calls: [...calls, call(null, SUPERVISOR_WAVE, 1, T0 + 120_000)], now: T0 + 130_000 }));
    expect(after.calls).toEqual([]);
  });
  it("does nothing once the alert is claimed, or for a service request", () => {
    expect(planCascade(input({ state: "acknowledged" }))).toEqual({ calls: [], nextCheckAt: null });
    expect(planCascade(input({ kind: "service" }))).toEqual({ calls: [], nextCheckAt: null });
  });
  it("with no contacts, only the supervisor is called", () => {
    expect(planCascade(input({ contacts: [], now: T0 }))).toEqual({ calls: [], nextCheckAt: T0 + 120_000 });
    expect(planCascade(input({ contacts: [], now: T0 + 120_000 })).calls).toEqual([{ contactId: null, wave: SUPERVISOR_WAVE, round: 1 }]);
  });
});

describe("smsRecipients", () => {
  const cs = [{ relation: "daughter" }, { relation: "grid worker" }, { relation: "网格员" }];
  it("texts everyone about an alarm, only the grid worker about a service request", () => {
    expect(smsRecipients("emergency", cs)).toHaveLength(3);
    expect(smsRecipients("service", cs)).toEqual([{ relation: "grid worker" }, { relation: "网格员" }]);
  });
});
