import { describe, expect, it } from "vitest";
import { texts, type AlarmFacts } from "../src/notify/texts";

const facts: AlarmFacts = {
  alertId: 1234, kind: "medical", at: Date.UTC(2026, 10, 24, 2, 5),
  address: { community: "幸福里社区", building: "12号楼", unit: "3单元", room: "1502" }, residents: ["王秀英"],
};

describe("texts", () => {
  it("a Chinese alarm SMS fits one UCS-2 segment (70 characters) for a typical address", () => {
    const sms = texts.alarmSms(facts, "zh-CN", true);
    expect([...sms].length).toBeLessThanOrEqual(70);
    expect(sms).toContain("12号楼3单元1502室");
    expect(sms).toContain("回复1");
    expect(sms).toContain("医疗求助");
  });
  it("the English alarm names who, where, what, when and how to claim", () => {
    const sms = texts.alarmSms({ ...facts, residents: ["Li Na"], address: { community: "Sunny", building: "B2", unit: "U1", room: "301" } }, "en", true);
    expect(sms).toMatch(/medical emergency from Li Na at \d\d:\d\d: Sunny, B2, U1, room 301\. Reply 1 if you are going\. #1234/);
  });
  it("a service request does not ask to claim", () => {
    expect(texts.alarmSms({ ...facts, kind: "service" }, "en", false)).not.toContain("Reply 1");
  });
  it("the call prompt names resident, building, unit, room and kind, and the keys, in both languages", () => {
    const zh = texts.callPrompt(facts, "zh-CN");
    expect(zh).toMatch(/王秀英.*医疗求助.*12号楼3单元1502室.*按1.*按2/);
    const en = texts.callPrompt({ ...facts, residents: ["Li Na"] }, "en");
    expect(en).toMatch(/Li Na.*medical emergency.*room 1502.*Press 1.*Press 2/);
  });
  it("the device text says who is coming and since when", () => {
    expect(texts.deviceText("acknowledged", "en", "Daughter Wang", Date.UTC(2026, 0, 1, 10, 2))).toMatch(/^Daughter Wang is on the way, \d\d:02$/);
    expect(texts.deviceText("received", "zh-CN")).toBe("求助已收到");
  });
});
