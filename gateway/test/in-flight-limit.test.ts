/** The outbox's in-flight limit: halves while the event loop is overloaded, grows back by one when it has room. */
import { describe, expect, it } from "vitest";
import { InFlightLimit } from "../src/notify/in-flight-limit";

function harness(max: number, loads: number[]) {
  let t = 0;
  const changes: number[] = [];
  const limit = new InFlightLimit({ max, windowMs: 100, now: () => t, utilization: () => loads.shift() ?? 0, onChange: (l) => changes.push(l) });
  const step = () => {
    t += 100;
    return limit.value;
  };
  return { limit, step, changes, at: (ms: number) => (t = ms) };
}

describe("InFlightLimit", () => {
  it("halves per window while the loop is busier than 80 %, never below one, and grows back by one under 60 %", () => {
    const h = harness(10, [0.95, 0.95, 0.95, 0.95, 0.7, 0.3, 0.3, 0.5]);
    expect(h.limit.value).toBe(10); // no window has passed yet: the load is not looked at
    expect([h.step(), h.step(), h.step(), h.step()]).toEqual([5, 2, 1, 1]);
    expect(h.step()).toBe(1); // between the thresholds: held
    expect([h.step(), h.step(), h.step()]).toEqual([2, 3, 4]);
  });

  it("looks at the load at most once per window", () => {
    const h = harness(8, [0.99, 0.99]);
    h.at(100);
    expect(h.limit.value).toBe(4);
    h.at(150);
    expect(h.limit.value).toBe(4); // 50 ms later: the same window
    h.at(200);
    expect(h.limit.value).toBe(2);
  });

  it("says when it leaves its maximum and when it is back, once each", () => {
    const h = harness(4, [0.9, 0.9, 0.1, 0.1, 0.1, 0.1]);
    for (let i = 0; i < 6; i++) h.step();
    expect(h.changes).toEqual([2, 4]);
  });

  it("never grows past HK_MAX_IN_FLIGHT", () => {
    const h = harness(3, [0.1, 0.1, 0.1]);
    expect([h.step(), h.step(), h.step()]).toEqual([3, 3, 3]);
    expect(h.changes).toEqual([]);
  });
});
