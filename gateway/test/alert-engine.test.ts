import { describe, expect, it } from "vitest";
import { defaultPolicy } from "@helpkey/shared";
import { compareForQueue, decideAction, decidePress, type AlertCore } from "../src/engine/alert-engine";

const T0 = 1_700_000_000_000;
const open = (over: Partial<AlertCore> = {}): AlertCore => ({ id: 7, state: "open", kind: "emergency", priority: 3, pressCount: 1, firstPressAt: T0, lastPressAt: T0, ...over });

describe("decidePress", () => {
  it("creates an alert when the household has none open", () => {
    expect(decidePress(null, { action: "raise", kind: "medical" }, T0, defaultPolicy)).toEqual({ type: "create", kind: "medical", priority: 2, state: "open" });
  });
  it("a terminal alert never reopens: a press opens a new one", () => {
    expect(decidePress(open({ state: "resolved" }), { action: "raise", kind: "emergency" }, T0, defaultPolicy).type).toBe("create");
    expect(decidePress(open({ state: "cancelled" }), { action: "raise", kind: "emergency" }, T0, defaultPolicy).type).toBe("create");
  });
  it("joins the open alert and counts the press", () => {
    expect(decidePress(open(), { action: "raise", kind: "emergency" }, T0 + 5000, defaultPolicy)).toEqual({ type: "join", alertId: 7, pressCount: 2, kind: "emergency", priority: 3, escalated: false });
  });
  it("joins acknowledged and responding alerts too", () => {
    expect(decidePress(open({ state: "acknowledged" }), { action: "raise", kind: "emergency" }, T0, defaultPolicy).type).toBe("join");
    expect(decidePress(open({ state: "responding" }), { action: "raise", kind: "emergency" }, T0, defaultPolicy).type).toBe("join");
  });
  it("a more urgent kind upgrades the joined alert; a less urgent one does not downgrade it", () => {
    expect(decidePress(open(), { action: "raise", kind: "fire" }, T0, defaultPolicy)).toMatchObject({ type: "join", kind: "fire", priority: 1, escalated: true });
    expect(decidePress(open(), { action: "raise", kind: "service" }, T0, defaultPolicy)).toMatchObject({ type: "join", kind: "emergency", priority: 3, escalated: false });
  });
  it("cancel inside the window withdraws an open alert", () => {
    expect(decidePress(open(), { action: "cancel", kind: "emergency" }, T0 + 10_000, defaultPolicy)).toEqual({ type: "cancel", alertId: 7 });
  });
  it("cancel after the window, or once acknowledged, only tells the dispatcher", () => {
    expect(decidePress(open(), { action: "cancel", kind: "emergency" }, T0 + 10_001, defaultPolicy)).toEqual({ type: "cancel_requested", alertId: 7 });
    expect(decidePress(open({ state: "acknowledged" }), { action: "cancel", kind: "emergency" }, T0 + 1000, defaultPolicy)).toEqual({ type: "cancel_requested", alertId: 7 });
  });
  it("cancel without an open alert is ignored", () => {
    expect(decidePress(null, { action: "cancel", kind: "emergency" }, T0, defaultPolicy).type).toBe("ignore");
  });
  it("a test press makes a test record, and joins when an alert is open", () => {
    expect(decidePress(null, { action: "test", kind: "emergency" }, T0, defaultPolicy).type).toBe("test");
    expect(decidePress(open(), { action: "test", kind: "emergency" }, T0, defaultPolicy).type).toBe("join");
  });
});

describe("decideAction", () => {
  it("follows open → acknowledged → responding → resolved", () => {
    expect(decideAction({ state: "open" }, "acknowledge")).toMatchObject({ ok: true, to: "acknowledged" });
    expect(decideAction({ state: "acknowledged" }, "dispatch")).toMatchObject({ ok: true, to: "responding" });
    expect(decideAction({ state: "responding" }, "arrive")).toMatchObject({ ok: true, to: "responding" });
    expect(decideAction({ state: "responding" }, "resolve", "real")).toMatchObject({ ok: true, to: "resolved", terminal: true, outcome: "real" });
  });
  it("forbids what the state machine forbids", () => {
    expect(decideAction({ state: "acknowledged" }, "acknowledge").ok).toBe(false);
    expect(decideAction({ state: "open" }, "arrive").ok).toBe(false);
    expect(decideAction({ state: "responding" }, "cancel").ok).toBe(false);
    for (const s of ["resolved", "cancelled"] as const) for (const a of ["acknowledge", "dispatch", "arrive", "resolve", "cancel"] as const) expect(decideAction({ state: s }, a).ok).toBe(false);
  });
});

describe("compareForQueue", () => {
  it("orders by priority, then age", () => {
    const list = [
      { id: 1, priority: 9, firstPressAt: 1 },
      { id: 2, priority: 3, firstPressAt: 5 },
      { id: 3, priority: 1, firstPressAt: 9 },
      { id: 4, priority: 3, firstPressAt: 2 },
    ].sort(compareForQueue);
    expect(list.map((a) => a.id)).toEqual([3, 4, 2, 1]);
  });
});
