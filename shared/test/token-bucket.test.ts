import { describe, expect, it } from "vitest";
import { TokenBucket } from "../src/token-bucket";

describe("TokenBucket", () => {
  it("starts full: a burst at once, then nothing until a token has refilled", () => {
    const b = new TokenBucket({ perSecond: 2, burst: 3 }, 0);
    expect([1, 2, 3, 4].map(() => b.take(0))).toEqual([true, true, true, false]);
    expect(b.waitMs(0)).toBe(500);
    expect(b.take(499)).toBe(false);
    expect(b.take(500)).toBe(true);
  });

  it("refills at the rate up to the burst, never beyond", () => {
    const b = new TokenBucket({ perSecond: 1, burst: 2 }, 0);
    b.take(0);
    b.take(0);
    expect(b.available(1_500)).toBe(1);
    expect(b.isFull(1_500)).toBe(false);
    expect(b.available(60_000)).toBe(2);
    expect(b.isFull(60_000)).toBe(true);
    expect(b.waitMs(60_000)).toBe(0);
  });

  it("a clock that steps back refills nothing", () => {
    const b = new TokenBucket({ perSecond: 1, burst: 1 }, 10_000);
    expect(b.take(10_000)).toBe(true);
    expect(b.take(5_000)).toBe(false);
    // the time counted from is still 10 s: one token by 11 s, not earlier
    expect(b.take(10_999)).toBe(false);
    expect(b.take(11_000)).toBe(true);
  });

  it("a rate below one a second waits as long as it takes", () => {
    const b = new TokenBucket({ perSecond: 0.5, burst: 1 }, 0);
    b.take(0);
    expect(b.waitMs(0)).toBe(2_000);
    expect(b.waitMs(1_500)).toBe(500);
  });
});
