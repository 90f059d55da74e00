/** Supervision's pure decisions and the grid workers' fault texts. */
import { describe, expect, it } from "vitest";
import { defaultPolicy, policySchema } from "@helpkey/shared";
import { faultSms, type FaultFacts } from "../src/supervision/fault-texts";
import { batteryStep, keepaliveFor, selftestStep, silentDueFrom, windowOf } from "../src/supervision/rules";

const p = defaultPolicy.supervision;

describe("window and keepalive", () => {
  it("defaults: 60 s keepalive, 90 s window, close watch 20 s, texts after 10 min, low below 20 %", () => {
    expect(p).toEqual({ keepaliveS: 60, windowS: 90, closeWindowS: 20, smsAfterS: 600, lowBatteryPct: 20 });
    // a community that sets one field keeps the others' defaults
    expect(policySchema.parse({ supervision: { windowS: 3 } }).supervision).toEqual({ ...p, windowS: 3 });
  });
  it("a device's own window overrides the community's", () => {
    expect(windowOf(p, null)).toBe(90);
    expect(windowOf(p, 20)).toBe(20);
    expect(silentDueFrom(p, 20, 1_000)).toBe(21_000);
    expect(silentDueFrom(p, null, 1_000)).toBe(91_000);
  });
  it("the keepalive fits 1.5 times in the window (the broker's Last Will comes within it), never above the community's", () => {
    expect(keepaliveFor(p, null)).toBe(60);
    expect(keepaliveFor(p, 20)).toBe(13);
    expect(keepaliveFor(p, 600)).toBe(60);
    expect(keepaliveFor(p, 2)).toBe(1);
    expect(keepaliveFor(p, 1)).toBe(1);
    for (const w of [1, 2, 3, 20, 45, 90, 3600]) expect(keepaliveFor(p, w) * 1.5 <= Math.max(w, 1.5)).toBe(true);
  });
});

describe("what a status says", () => {
  it("battery: below the level raises, at or above clears, none keeps", () => {
    expect(batteryStep(p, 19)).toBe("raise");
    expect(batteryStep(p, 19.9)).toBe("raise");
    expect(batteryStep(p, 20)).toBe("clear");
    expect(batteryStep(p, undefined)).toBe("keep");
  });
  it("self-test: failed raises, ok clears, a status without one keeps", () => {
    expect(selftestStep({ selftest: "failed" })).toBe("raise");
    expect(selftestStep({ selftest: "ok" })).toBe("clear");
    expect(selftestStep({})).toBe("keep");
  });
});

describe("the grid workers' text", () => {
  // 2026-12-07 02:05 UTC = 10:05 in Shanghai
  const facts: FaultFacts = {
    type: "offline", deviceId: "btn-3f9a1c07be", deviceType: "button", since: Date.UTC(2026, 11, 7, 2, 5),
    address: { community: "幸福里社区", building: "3号楼", unit: "2单元", room: "501" }, detail: null, timeZone: "Asia/Shanghai",
  };
  it("in the worker's language, the time in the community's zone", () => {
    expect(faultSms(facts, "zh-CN")).toBe("【一键通·设备故障】幸福里社区3号楼2单元501室的呼救按钮（btn-3f9a1c07be）自10:05起离线，请上门检查。");
    expect(faultSms(facts, "en")).toBe("[helpkey] Device fault: the help button btn-3f9a1c07be at 幸福里社区, 3号楼, 2单元, room 501 has been offline since 10:05. Please check it.");
    expect(faultSms({ ...facts, timeZone: "UTC" }, "en")).toContain("since 02:05");
  });
  it("names a low battery's level and a failed self-test's finding", () => {
    expect(faultSms({ ...facts, type: "low_battery", detail: "12%" }, "en")).toContain("has had a low battery (12%) since 10:05");
    expect(faultSms({ ...facts, type: "selftest_failed", detail: "speaker", deviceType: "stb" }, "zh-CN")).toBe("【一键通·设备故障】幸福里社区3号楼2单元501室的机顶盒（btn-3f9a1c07be）10:05自检未通过（speaker），请上门检查。");
  });
  it("a Chinese text about an offline button fits one 70-character segment for a typical address", () => {
    expect(faultSms(facts, "zh-CN").length).toBeLessThanOrEqual(70);
  });
});
