import { describe, expect, it } from "vitest";
import { defaultPolicy } from "@helpkey/shared";
import { compareForQueue, decideAction, decideGoing, decidePress, type AlertCore } from "../src/engine/alert-engine";

const T0 = 1_700_000_000_000;
const open = (over: Partial<AlertCore> = {}): AlertCore => ({
  id: 7, state: "open", kind: "emergency", priority: 3, pressCount: 1, firstPressAt: T0, lastPressAt: T0, acknowledgedBy: null, goingBy: null, arrivedAt: null, overdueAt: null, ...over,
});

describe("decidePress", () => {
  it("creates an alert when the household has none open", () => {
    expect(decidePress(null, { action: "raise", kind: "medical" }, T0, defaultPolicy)).toEqual({ type: "create", kind: "medical", priority: 2, state: "open" });
  });
  it("a terminal alert never reopens: a press opens a new one", () => {
    expect(decidePress(open({ state: "resolved" }), { action: "raise", kind: "emergency" }, T0, defaultPolicy).type).toBe("create");
    expect(decidePress(open({ state: "cancelled" }), { action: "raise", kind: "emergency" }, T0, defaultPolicy).type).toBe("create");
  });
  it("joins the open alert and counts the press", () => {
    expect(decidePress(open(), { action: "raise", kind: "emergency" }, T0 + 5000, defaultPolicy)).toEqual({ type: "join", alertId: 7, pressCount: 2, kind: "emergency", priority: 3, escalated: false, again: null });
  });
  it("joins acknowledged and responding alerts too", () => {
    expect(decidePress(open({ state: "acknowledged" }), { action: "raise", kind: "emergency" }, T0, defaultPolicy).type).toBe("join");
    expect(decidePress(open({ state: "responding" }), { action: "raise", kind: "emergency" }, T0, defaultPolicy).type).toBe("join");
  });
  it("a more urgent kind upgrades the joined alert; a less urgent one does not downgrade it", () => {
    expect(decidePress(open(), { action: "raise", kind: "fire" }, T0, defaultPolicy)).toMatchObject({ type: "join", kind: "fire", priority: 1, escalated: true });
    expect(decidePress(open(), { action: "raise", kind: "service" }, T0, defaultPolicy)).toMatchObject({ type: "join", kind: "emergency", priority: 3, escalated: false });
  });
  it("a press on a claimed or acknowledged alert says whether anyone is with her; a test press never does", () => {
    expect(decidePress(open({ state: "acknowledged", goingBy: "Wang" }), { action: "raise", kind: "emergency" }, T0, defaultPolicy)).toMatchObject({ type: "join", again: "nobody_on_site" });
    expect(decidePress(open({ state: "responding", arrivedAt: T0 }), { action: "raise", kind: "emergency" }, T0, defaultPolicy)).toMatchObject({ type: "join", again: "on_site" });
    expect(decidePress(open({ state: "acknowledged" }), { action: "test", kind: "emergency" }, T0, defaultPolicy)).toMatchObject({ type: "join", again: null });
    expect(decidePress(open(), { action: "raise", kind: "emergency" }, T0, defaultPolicy)).toMatchObject({ type: "join", again: null });
  });
  it("an upgrade from a service request is escalated, and counts as a press again once acknowledged", () => {
    const d = decidePress(open({ kind: "service", priority: 9, state: "acknowledged", acknowledgedBy: "Li" }), { action: "raise", kind: "emergency" }, T0, defaultPolicy);
    expect(d).toMatchObject({ type: "join", kind: "emergency", priority: 3, escalated: true, again: "nobody_on_site" });
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
  it("arrive is allowed from acknowledged too and keeps the state; reopen goes back to open", () => {
    expect(decideAction({ state: "acknowledged" }, "arrive")).toMatchObject({ ok: true, from: "acknowledged", to: "acknowledged", terminal: false });
    expect(decideAction({ state: "responding" }, "arrive")).toMatchObject({ ok: true, to: "responding" });
    expect(decideAction({ state: "acknowledged" }, "reopen")).toMatchObject({ ok: true, to: "open" });
    expect(decideAction({ state: "responding" }, "reopen")).toMatchObject({ ok: true, to: "open" });
    for (const s of ["open", "resolved", "cancelled"] as const) expect(decideAction({ state: s }, "reopen").ok).toBe(false);
  });
  it("forbids what the state machine forbids", () => {
    expect(decideAction({ state: "acknowledged" }, "acknowledge").ok).toBe(false);
    expect(decideAction({ state: "open" }, "arrive").ok).toBe(false);
    expect(decideAction({ state: "responding" }, "cancel").ok).toBe(false);
    for (const s of ["resolved", "cancelled"] as const) for (const a of ["acknowledge", "dispatch", "arrive", "resolve", "cancel"] as const) expect(decideAction({ state: s }, a).ok).toBe(false);
  });
});

describe("decideGoing", () => {
  it("the first 1 of an open alert claims it", () => {
    expect(decideGoing(open(), "Wang")).toEqual({ type: "claim" });
  });
  it("on an alert the centre acknowledged, with nobody on the way, the person is going; the state stays", () => {
    expect(decideGoing(open({ state: "acknowledged", acknowledgedBy: "Li" }), "Wang")).toEqual({ type: "going" });
  });
  it("someone else on the way: already; the same person again: already, by them", () => {
    expect(decideGoing(open({ state: "acknowledged", goingBy: "Son" }), "Wang")).toEqual({ type: "already", by: "Son" });
    expect(decideGoing(open({ state: "acknowledged", goingBy: "Wang" }), "Wang")).toEqual({ type: "already", by: "Wang" });
  });
  it("a patrol member sent by the centre is the one on the way, whoever said so before", () => {
    expect(decideGoing(open({ state: "responding", goingBy: "Son" }), "Patrol Zhao", true)).toEqual({ type: "going" });
  });
  it("a closed alert takes no one", () => {
    expect(decideGoing(open({ state: "resolved" }), "Wang")).toEqual({ type: "closed" });
    expect(decideGoing(open({ state: "cancelled" }), "Patrol Zhao", true)).toEqual({ type: "closed" });
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
