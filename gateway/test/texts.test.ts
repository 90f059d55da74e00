import { describe, expect, it } from "vitest";
import { clock, deviceText, texts, type AlarmFacts } from "../src/notify/texts";

// 02:05 UTC: 10:05 in Shanghai, 21:05 the day before in New York (EST)
const AT = Date.UTC(2026, 10, 24, 2, 5);
const facts: AlarmFacts = {
  alertId: 1234, kind: "medical", at: AT, timeZone: "Asia/Shanghai",
  address: { community: "幸福里社区", building: "12号楼", unit: "3单元", room: "1502" }, residents: ["王秀英"],
};
const en: AlarmFacts = { ...facts, residents: ["Li Na"], address: { community: "Sunny", building: "B2", unit: "U1", room: "301" } };
/** Words that say someone is coming: never about a dispatcher's acknowledge. */
const GOING = /going|on the way|前往|赶来|coming/i;

describe("texts", () => {
  it("a Chinese alarm SMS fits one UCS-2 segment (70 characters) for a typical address, with its reply code", () => {
    const sms = texts.alarmSms(facts, "zh-CN", true);
    expect([...sms].length).toBeLessThanOrEqual(70);
    expect(sms).toContain("12号楼3单元1502室");
    expect(sms).toContain("回复 1 #1234 表示您前往");
    expect(sms).toContain("医疗求助");
  });
  it("the English alarm names who, what, where, when and how to claim", () => {
    expect(texts.alarmSms(en, "en", true)).toBe("[helpkey] medical emergency from Li Na at 10:05: Sunny, B2, U1, room 301. Reply 1 #1234 if you are going.");
  });
  it("a service request does not ask to claim", () => {
    expect(texts.alarmSms({ ...facts, kind: "service" }, "en", false)).not.toContain("Reply 1");
  });
  it("every time is the community's, 24-hour, whatever the server's zone", () => {
    expect(clock(AT, "Asia/Shanghai")).toBe("10:05");
    expect(clock(AT, "America/New_York")).toBe("21:05");
    expect(clock(Date.UTC(2026, 0, 1, 16, 7), "Asia/Shanghai")).toBe("00:07");
    expect(texts.alarmSms({ ...en, timeZone: "America/New_York" }, "en", true)).toContain("at 21:05:");
  });
  it("the call prompt names resident, building, unit, room and kind, and the keys, in both languages", () => {
    const zh = texts.callPrompt(facts, "zh-CN");
    expect(zh).toMatch(/王秀英.*医疗求助.*12号楼3单元1502室.*按1.*按2/);
    expect(texts.callPrompt(en, "en")).toMatch(/Li Na.*medical emergency.*room 301.*Press 1.*Press 2/);
  });
  it("a dispatcher's acknowledge: the community centre has it, by name, never anyone going", () => {
    const zh = texts.handlingSms("李", facts, "zh-CN");
    expect(zh).toBe("【一键呼救】#1234 社区中心（调度员李）已收到王秀英的求助，正在处理。");
    const e = texts.handlingSms("Li", en, "en");
    expect(e).toBe("[helpkey] #1234: the community centre (dispatcher Li) has Li Na's alarm and is handling it.");
    expect(zh).not.toMatch(GOING);
    expect(e).not.toMatch(GOING);
    expect(texts.handlingSms("Dispatcher Zhao", en, "en")).toContain("(Dispatcher Zhao)");
  });
  it("someone going is said with the time they set off", () => {
    expect(texts.goingSms("Daughter Wang", AT, en, "en")).toBe("[helpkey] #1234: Daughter Wang is on the way to Sunny, B2, U1, room 301 (10:05).");
    expect(texts.goingSms("王女儿", AT, facts, "zh-CN")).toContain("王女儿正在前往幸福里社区12号楼3单元1502室（10:05）");
  });
  it("a cancel says who cancelled: the resident or the community centre", () => {
    expect(texts.cancelledSms(en, { by: "resident" }, "en")).toContain("cancelled by the resident");
    expect(texts.cancelledSms(en, { by: "centre", name: "Li" }, "en")).toContain("cancelled by the community centre (dispatcher Li)");
    expect(texts.cancelledSms(facts, { by: "centre", name: "李" }, "zh-CN")).toContain("已由社区中心（调度员李）取消");
  });
  it("a contact whose alarm text never went out gets the alarm and its outcome in one text", () => {
    const going = texts.alarmWithOutcomeSms(en, { type: "going", goer: "Son", at: AT + 60_000 }, "en");
    expect(going).toBe("[helpkey] medical emergency from Li Na at 10:05: Sunny, B2, U1, room 301. Son is on the way (10:06). #1234");
    expect(texts.alarmWithOutcomeSms(facts, { type: "cancelled", cancelled: { by: "resident" } }, "zh-CN")).toMatch(/王秀英10:05发出医疗求助.*已由住户取消/);
    expect(texts.alarmWithOutcomeSms(en, { type: "handling", dispatcher: "Li" }, "en")).not.toMatch(GOING);
  });
  it("asks which alarm a bare 1 meant", () => {
    expect(texts.whichAlarmSms([12, 15], "zh-CN")).toBe("【一键呼救】您有2个求助：回复 1 #12 或 1 #15");
    expect(texts.whichAlarmSms([12, 15, 17], "en")).toBe("[helpkey] You have 3 alarms: reply 1 #12, 1 #15 or 1 #17");
  });
  it("the person on the way, asked: the press again and the keys", () => {
    const sms = texts.overdueSms(en, AT, AT + 12 * 60_000, "en");
    expect(sms).toContain("Li Na pressed again at 10:17");
    expect(sms).toContain("press 1 if you are with Li Na, 2 if you cannot go");
    expect(texts.confirmPrompt(facts, AT, "zh-CN")).toMatch(/10:05.*如果您已在王秀英身边，请按1；如果您不能前往，请按2/);
  });
});

describe("deviceText", () => {
  const base = { goingBy: null, goingAt: null, acknowledgedBy: null, timeZone: "Asia/Shanghai" };
  it("a person going: who and since when", () => {
    expect(deviceText({ ...base, state: "acknowledged", goingBy: "Daughter Wang", goingAt: Date.UTC(2026, 0, 1, 2, 2) }, "en")).toBe("Daughter Wang is on the way (10:02)");
    expect(deviceText({ ...base, state: "responding", goingBy: "巡逻队员赵", goingAt: Date.UTC(2026, 0, 1, 2, 2) }, "zh-CN")).toBe("巡逻队员赵正在赶来（10:02）");
  });
  it("a dispatcher's acknowledge: the centre is handling it, never anyone coming", () => {
    expect(deviceText({ ...base, state: "acknowledged", acknowledgedBy: "李" }, "zh-CN")).toBe("社区中心已收到您的求助，正在处理（调度员李）");
    expect(deviceText({ ...base, state: "acknowledged", acknowledgedBy: "Li" }, "en")).toBe("The community centre has your alarm and is handling it (dispatcher Li)");
    expect(deviceText({ ...base, state: "responding", acknowledgedBy: "Li" }, "en")).not.toMatch(GOING);
  });
  it("received, and received again after a claim came to nothing", () => {
    expect(deviceText({ ...base, state: "received" }, "zh-CN")).toBe("求助已收到");
    expect(deviceText({ ...base, state: "received", reopened: true }, "en")).toBe("Help requested: calling others");
  });
});
