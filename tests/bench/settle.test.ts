import { describe, expect, it } from "vitest";
import { settleBy } from "./lib/settle";

const MB = 2 ** 20;
/** An RSS that reads `values` in turn, then stays at the last one. */
const script = (values: number[]) => {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)]! * MB;
};
const fast = { holdMs: 40, pollMs: 5 };

describe("bench settle: the wait for the connect storm's memory to come back", () => {
  it("ends once the RSS fell 10 % and held", async () => {
    const r = await settleBy(script([750, 752, 751, 600, 560, 558]), 750 * MB, 5_000, fast);
    expect(r.settled).toBe(true);
    expect(r.rssToMB).toBe(558);
    expect(r.waitedMs).toBeLessThan(1_000);
  });

  it("ends only after the RSS has held for the whole hold time", async () => {
    const r = await settleBy(script([600]), 750 * MB, 5_000, { holdMs: 100, pollMs: 5 });
    expect(r.settled).toBe(true);
    expect(r.waitedMs).toBeGreaterThanOrEqual(100);
  });

  it("waits while the RSS is still falling", async () => {
    // 3 % a step for 20 steps of 5 ms: never within 1 % for 40 ms until the last value
    const falling = Array.from({ length: 20 }, (_, i) => 600 * 0.97 ** i);
    const r = await settleBy(script(falling), 750 * MB, 5_000, fast);
    expect(r.settled).toBe(true);
    expect(r.rssToMB).toBeCloseTo(falling.at(-1)!, 5);
    expect(r.waitedMs).toBeGreaterThanOrEqual(19 * 5);
  });

  it("gives up at the bound when the memory does not come back, and says so", async () => {
    const r = await settleBy(script([750, 740, 760, 700]), 750 * MB, 150, fast);
    expect(r.settled).toBe(false);
    expect(r.waitedMs).toBeGreaterThanOrEqual(150);
    expect(r.rssToMB).toBe(700);
  });

  it("keeps the last reading when the process cannot be read", async () => {
    let n = 0;
    const r = await settleBy(() => (n++ < 2 ? 600 * MB : null), 750 * MB, 5_000, fast);
    expect(r.settled).toBe(true);
    expect(r.rssToMB).toBe(600);
  });
});
