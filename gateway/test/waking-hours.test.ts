import { describe, expect, it } from "vitest";
import { addWindowTime, inWindow, localMinuteOfDay, windowEndsAt } from "../src/engine/waking-hours";

const H = 3_600_000;
/** 2026-12-07 00:00 in Shanghai (UTC+8, no daylight saving). */
const MIDNIGHT = Date.UTC(2026, 11, 6, 16, 0);
const at = (h: number, m = 0) => MIDNIGHT + h * H + m * 60_000;
const TZ = "Asia/Shanghai";
const waking = { from: "07:00", to: "22:00" };
const quiet = { from: "22:00", to: "07:00" };

describe("daily windows", () => {
  it("reads the local clock of the time zone", () => {
    expect(localMinuteOfDay(at(7, 30), TZ)).toBe(7 * 60 + 30);
    expect(localMinuteOfDay(at(7, 30), "UTC")).toBe(23 * 60 + 30);
  });
  it("from is inside, to is outside; a window across midnight holds both ends of the night", () => {
    expect(inWindow(at(7), waking, TZ)).toBe(true);
    expect(inWindow(at(22), waking, TZ)).toBe(false);
    expect(inWindow(at(23), quiet, TZ)).toBe(true);
    expect(inWindow(at(3), quiet, TZ)).toBe(true);
    expect(inWindow(at(12), quiet, TZ)).toBe(false);
    expect(inWindow(at(12), { from: "00:00", to: "00:00" }, TZ)).toBe(true);
  });
  it("quiet hours end at their `to`, the next morning when it is night", () => {
    expect(windowEndsAt(at(23, 15), quiet, TZ)).toBe(at(24 + 7));
    expect(windowEndsAt(at(3), quiet, TZ)).toBe(at(7));
    expect(windowEndsAt(at(12), quiet, TZ)).toBeNull();
  });
});

describe("a span counted in waking hours only", () => {
  it("within one day it is plain addition", () => {
    expect(addWindowTime(at(8), 3 * H, waking, TZ)).toBe(at(11));
  });
  it("the night does not count: 24 waking hours from 08:00 end at 17:00 the day after next", () => {
    // 14 h today (08-22), 15 h tomorrow would exceed: 10 h left tomorrow → 17:00
    expect(addWindowTime(at(8), 24 * H, waking, TZ)).toBe(at(24 + 17));
  });
  it("a start during the night begins counting when the day begins", () => {
    expect(addWindowTime(at(23), 1 * H, waking, TZ)).toBe(at(24 + 8));
    expect(addWindowTime(at(2), 30 * 60_000, waking, TZ)).toBe(at(7, 30));
  });
  it("a span ending exactly at the window's end ends there, not the next morning", () => {
    expect(addWindowTime(at(20), 2 * H, waking, TZ)).toBe(at(22));
  });
  it("a whole-day window counts every hour", () => {
    expect(addWindowTime(at(23), 5 * H, { from: "00:00", to: "00:00" }, TZ)).toBe(at(28));
  });
});
