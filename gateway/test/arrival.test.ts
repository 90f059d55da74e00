import { describe, expect, it } from "vitest";
import { defaultPolicy } from "@helpkey/shared";
import { arrivalDue, confirmWindowMs, decideArrivalDue, decideConfirm, type ArrivalCore } from "../src/engine/arrival";

const T0 = 1_700_000_000_000;
const claimed = (over: Partial<ArrivalCore> = {}): ArrivalCore => ({ state: "acknowledged", kind: "emergency", goingBy: "Daughter Wang", arrivedAt: null, overdueAt: null, ...over });

describe("arrivalDue", () => {
  it("runs for arrivalTimeoutS after a claim or an acknowledge", () => {
    expect(arrivalDue({ kind: "medical", arrivedAt: null }, T0, defaultPolicy)).toBe(T0 + 1200_000);
    expect(arrivalDue({ kind: "medical", arrivedAt: null }, T0, { ...defaultPolicy, arrivalTimeoutS: 60 })).toBe(T0 + 60_000);
  });
  it("not for a service request, nor once someone is there", () => {
    expect(arrivalDue({ kind: "service", arrivedAt: null }, T0, defaultPolicy)).toBeNull();
    expect(arrivalDue({ kind: "fire", arrivedAt: T0 - 1 }, T0, defaultPolicy)).toBeNull();
  });
});

describe("decideArrivalDue", () => {
  it("a person on the way is asked first, with one ring and one wave to answer", () => {
    expect(decideArrivalDue(claimed(), T0, defaultPolicy)).toEqual({ type: "confirm", overdueAt: T0, confirmBy: T0 + confirmWindowMs(defaultPolicy) });
    expect(confirmWindowMs(defaultPolicy)).toBe((25 + 60) * 1000);
  });
  it("a dispatcher's acknowledge has nobody to ask: reopen at once", () => {
    expect(decideArrivalDue(claimed({ goingBy: null }), T0, defaultPolicy)).toEqual({ type: "reopen" });
  });
  it("asked already and still nobody there when it fires again: reopen", () => {
    expect(decideArrivalDue(claimed({ overdueAt: T0 - 5000 }), T0, defaultPolicy)).toEqual({ type: "reopen" });
  });
  it("nothing to do once someone arrived, the alert is open again, closed, or a service request", () => {
    for (const a of [claimed({ arrivedAt: T0 - 1 }), claimed({ state: "open" }), claimed({ state: "resolved" }), claimed({ state: "cancelled" }), claimed({ kind: "service" })]) {
      expect(decideArrivalDue(a, T0, defaultPolicy)).toEqual({ type: "none" });
    }
  });
  it("the same for a patrol member on the way (responding)", () => {
    expect(decideArrivalDue(claimed({ state: "responding", goingBy: "Patrol Zhao" }), T0, defaultPolicy).type).toBe("confirm");
  });
});

describe("decideConfirm", () => {
  const asked = claimed({ overdueAt: T0 });
  it("1 = with her: arrived; 2 or no answer: reopen", () => {
    expect(decideConfirm(asked, T0, "1")).toBe("arrived");
    expect(decideConfirm(asked, T0, "2")).toBe("reopen");
    expect(decideConfirm(asked, T0, "ended")).toBe("reopen");
  });
  it("an answer after the question was settled changes nothing", () => {
    expect(decideConfirm(claimed(), T0, "2")).toBe("ignore"); // not asked (or arrived meanwhile: overdue cleared)
    expect(decideConfirm(claimed({ overdueAt: T0, arrivedAt: T0 + 1 }), T0, "2")).toBe("ignore");
    expect(decideConfirm({ ...asked, state: "open" }, T0, "ended")).toBe("ignore"); // reopened already
    expect(decideConfirm({ ...asked, state: "resolved" }, T0, "1")).toBe("ignore");
  });
  it("a call from an earlier round of asking is not this round's answer", () => {
    expect(decideConfirm(claimed({ overdueAt: T0 + 60_000 }), T0, "ended")).toBe("ignore");
  });
});
