/** "Today" of the district dashboard: local midnight in the community's time zone, on ordinary days and on daylight-saving days. */
import { describe, expect, it } from "vitest";
import { startOfLocalDay } from "../src/district/dashboard-query";

const utc = (iso: string) => Date.parse(`${iso}Z`);

describe("startOfLocalDay", () => {
  it("is local midnight, whatever the server's own zone", () => {
    // 11:30 in Shanghai (UTC+8) is 03:30 UTC; its midnight was 16:00 UTC the day before
    expect(startOfLocalDay(utc("2026-01-10T03:30:12.345"), "Asia/Shanghai")).toBe(utc("2026-01-09T16:00:00"));
    expect(startOfLocalDay(utc("2026-01-09T16:00:00"), "Asia/Shanghai")).toBe(utc("2026-01-09T16:00:00"));
    expect(startOfLocalDay(utc("2026-01-09T15:59:59.999"), "Asia/Shanghai")).toBe(utc("2026-01-08T16:00:00"));
  });

  it("counts from the midnight before a daylight-saving jump, forward or back", () => {
    // New York springs forward at 02:00 on 8 March 2026: midnight was still EST (UTC-5)
    expect(startOfLocalDay(utc("2026-03-08T19:00:00"), "America/New_York")).toBe(utc("2026-03-08T05:00:00"));
    // and falls back at 02:00 on 1 November 2026: midnight was still EDT (UTC-4)
    expect(startOfLocalDay(utc("2026-11-01T20:00:00"), "America/New_York")).toBe(utc("2026-11-01T04:00:00"));
  });
});
