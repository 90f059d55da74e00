/** The cascade's pure rules for help groups (their waves after the family's) and for alerts raised in maintenance (nobody). */
import { describe, expect, it } from "vitest";
import { defaultPolicy } from "@helpkey/shared";
import { alarmRecipients, planCascade, planWaves, type CascadeInput } from "../src/engine/cascade";

const T0 = 1_700_000_000_000;
const family = [{ id: 1, priority: 1 }, { id: 2, priority: 3 }];
const helpers = [{ id: 101, priority: 1, helpGroupId: 7 }, { id: 102, priority: 2, helpGroupId: 8 }, { id: 103, priority: 1, helpGroupId: 8 }];

describe("help groups in the waves", () => {
  it("come after every wave of the family, one wave per priority, the unit's and the building's together", () => {
    expect(planWaves([...helpers, ...family])).toEqual([[1], [2], [101, 103], [102]]);
  });
  it("are the first wave of a household with no contacts of its own", () => {
    expect(planWaves(helpers)).toEqual([[101, 103], [102]]);
  });
});

describe("an alert raised in maintenance", () => {
  const input = (over: Partial<CascadeInput>): CascadeInput => ({
    state: "open", kind: "emergency", firstPressAt: T0, contacts: family, hasSupervisor: true, calls: [], now: T0 + 600_000, policy: defaultPolicy, ...over,
  });
  it("calls nobody, the supervisor neither, and sets no timer", () => {
    expect(planCascade(input({ maintenance: true }))).toEqual({ calls: [], nextCheckAt: null });
    expect(planCascade(input({ maintenance: false })).calls.length).toBeGreaterThan(0);
  });
  it("texts nobody", () => {
    const contacts = [{ relation: "daughter" }, { relation: "grid worker" }];
    expect(alarmRecipients({ kind: "medical", maintenance: true }, contacts)).toEqual([]);
    expect(alarmRecipients({ kind: "service", maintenance: true }, contacts)).toEqual([]);
    expect(alarmRecipients({ kind: "medical", maintenance: false }, contacts)).toEqual(contacts);
  });
});
