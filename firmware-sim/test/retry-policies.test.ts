import { backoffMs } from "@helpkey/shared/backoff";
import { describe, expect, it } from "vitest";
import { ALARM_RETRANSMIT, RECONNECT } from "../src/retry-policies";

describe("the emulated firmware's retry schedules", () => {
  it("retransmits an unacked alarm after 2, 4, 8, 16 s, then every 30 s, with no jitter", () => {
    const schedule = (random: () => number) => [1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, ALARM_RETRANSMIT, random));
    expect(schedule(() => 0)).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(schedule(() => 0.99)).toEqual(schedule(() => 0));
  });

  it("reconnects after 1 s doubling to 30 s, plus up to 1 s at random", () => {
    expect([1, 2, 3, 6, 9].map((n) => backoffMs(n, RECONNECT, () => 0))).toEqual([1_000, 2_000, 4_000, 30_000, 30_000]);
    expect(backoffMs(1, RECONNECT, () => 0.999)).toBe(1_999);
  });
});
