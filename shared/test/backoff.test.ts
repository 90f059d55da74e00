import { describe, expect, it } from "vitest";
import { backoffMs } from "../src/backoff";

/** The smallest and the largest a random() can give. */
const low = () => 0;
const high = () => 1 - Number.EPSILON;

describe("backoffMs", () => {
  it("doubles from the base per attempt and stops at the cap", () => {
    const p = { baseMs: 2_000, capMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, p))).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(backoffMs(0, p)).toBe(2_000); // before any attempt: as after the first
  });

  it("jitterShare draws that share of the delay at random: 0.5 is between half and all of it", () => {
    const p = { baseMs: 1_000, capMs: 30_000, jitterShare: 0.5 };
    expect([1, 2, 3, 6].map((n) => backoffMs(n, p, low))).toEqual([1_000, 2_000, 4_000, 30_000]);
    expect([1, 2, 3, 6].map((n) => backoffMs(n, p, high))).toEqual([500, 1_000, 2_000, 15_000]);
    expect(backoffMs(1, p, () => 0.5)).toBe(750);
  });

  it("jitterMs adds a random extra on top of the capped delay", () => {
    const p = { baseMs: 1_000, capMs: 30_000, jitterMs: 1_000 };
    expect(backoffMs(1, p, low)).toBe(1_000);
    expect(backoffMs(1, p, high)).toBe(1_999);
    expect(backoffMs(10, p, () => 0.25)).toBe(30_250);
  });

  it("is a whole number of milliseconds", () => {
    const p = { baseMs: 1_000, capMs: 30_000, jitterShare: 0.5, jitterMs: 1_000 };
    for (let i = 0; i < 100; i++) expect(Number.isInteger(backoffMs(1 + (i % 7), p))).toBe(true);
  });
});
