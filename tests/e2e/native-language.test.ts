/**
 * Chinese and English as a native speaker writes them: every console key in both languages, the
 * server's error codes and the contact relations translated, and no ASCII punctuation inside
 * Chinese text (the console, the texts to phones and devices, the responder SMS, the CLI).
 */
import { describe, expect, it } from "vitest";
import { alarmKinds, contactRelations, ErrorCodes, importIssueText, type AckState, type ImportIssue, type ImportIssueCode } from "@helpkey/shared";
import { messages } from "@helpkey/firmware-sim/cli/messages";
import { deviceText, texts, type AlarmFacts } from "@helpkey/gateway/notify/texts";
import { patrolSms } from "@helpkey/gateway/users/responder-texts";
import { phonesPanelStrings } from "@helpkey/firmware-sim/phone-network/phones-panel";
import { strings } from "../../dashboard/src/strings";

const ASCII_PUNCT = /[:,();!?]/;
/** Han characters and the full-width forms: what makes a run of text Chinese. */
const CJK = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;

/** A time of day (10:05) keeps its colon in Chinese too. */
const TIME = /\d{1,2}:\d{2}(:\d{2})?/g;

/** Every ASCII : , ( ) ; ! ? in `s`, after `{placeholders}` and times; `keep` are characters meant literally (a key's name). */
function asciiIn(s: string, keep: string[] = []): string[] {
  let rest = s.replace(/\{\w+\}/g, "").replace(TIME, "");
  for (const k of keep) rest = rest.split(k).join("");
  return [...rest].filter((c) => ASCII_PUNCT.test(c));
}

/** ASCII punctuation touching a Chinese character: in help texts that quote commands, only prose is Chinese. */
function asciiNextToChinese(s: string): string[] {
  const hits: string[] = [];
  const cs = [...s.replace(TIME, "")];
  cs.forEach((c, i) => {
    if (ASCII_PUNCT.test(c) && (CJK.test(cs[i - 1] ?? "") || CJK.test(cs[i + 1] ?? ""))) hits.push(cs.slice(Math.max(0, i - 6), i + 6).join(""));
  });
  return hits;
}

describe("the console's strings", () => {
  const en = strings.en as Record<string, string>;
  const zh = strings["zh-CN"] as Record<string, string>;

  it("have every key in both languages, none empty", () => {
    expect(Object.keys(zh).filter((k) => !(k in en))).toEqual([]);
    expect(Object.keys(en).filter((k) => !(k in zh))).toEqual([]);
    expect(Object.entries({ ...en, ...zh }).filter(([, v]) => typeof v !== "string" || v === "").map(([k]) => k)).toEqual([]);
  });

  it("use full-width punctuation in Chinese (a key named in the shortcuts line stays as typed)", () => {
    const bad = Object.entries(zh).map(([k, v]) => [k, asciiIn(v, k === "shortcuts" ? [" ? "] : [])] as const).filter(([, hits]) => hits.length > 0);
    expect(bad).toEqual([]);
  });

  it("say every error code the gateway sends, every relation, role and kind in both languages", () => {
    const httpCodes = Object.values(ErrorCodes).filter((c) => !c.startsWith("HK_MQTT_"));
    for (const dict of [en, zh]) {
      expect(httpCodes.filter((c) => !dict[`e_${c}`])).toEqual([]);
      expect(contactRelations.filter((r) => !dict[`rel_${r}`])).toEqual([]);
      expect(["dispatcher", "supervisor", "admin"].filter((r) => !dict[`role_${r}`])).toEqual([]);
      expect(alarmKinds.filter((k) => !dict[`k_${k}`])).toEqual([]);
    }
    expect(zh.e_HK_NOT_FOUND).not.toBe(en.e_HK_NOT_FOUND);
  });

  it("no doubled words in the Chinese sentences the console builds", () => {
    const conflict = zh.conflict!.replace("{state}", zh.s_acknowledged!).replace("{by}", zh.conflictBy!.replace("{by}", "张明"));
    expect(conflict).not.toMatch(/已已/);
    expect(zh.ackBy!.replace("{by}", "admin")).not.toMatch(/^由/);
  });
});

describe("texts to phones, devices and the CLI", () => {
  const facts: AlarmFacts = {
    alertId: 12, kind: "medical", at: Date.UTC(2026, 10, 24, 2, 5), timeZone: "Asia/Shanghai",
    address: { community: "幸福里社区", building: "1号楼", unit: "2单元", room: "302" }, residents: ["王秀英", "李建国"],
  };
  const zhTexts = (): string[] => {
    const z = "zh-CN" as const;
    const out = [
      texts.alarmSms(facts, z, true), texts.alarmSms(facts, z, false), texts.goingSms("王丽（女儿）", facts.at, facts, z),
      texts.handlingSms("张明", facts, z), texts.resolvedSms(facts, z), texts.cancelledSms(facts, { by: "resident" }, z),
      texts.cancelledSms(facts, { by: "centre", name: "张明" }, z), texts.pressedAgainSms(facts, facts.at, z),
      texts.overdueSms(facts, facts.at, facts.at, z), texts.overdueSms(facts, facts.at, null, z), texts.reopenedSms(facts, z),
      texts.whichAlarmSms([12, 13, 14], z), texts.callPrompt(facts, z), texts.confirmPrompt(facts, facts.at, z), texts.callClaimed(z),
      texts.callAlreadyClaimed("王丽", z), texts.callCentreHandling("张明", z), texts.callClosed(z), texts.callPassed(z),
      texts.callCancelled(z), texts.callNoInput(z), texts.confirmArrived(z), texts.confirmDeclined(z), texts.confirmSettled(z),
      ...(["going", "handling", "cancelled", "resolved"] as const).map((type) =>
        texts.alarmWithOutcomeSms(facts, type === "going" ? { type, goer: "王丽", at: facts.at } : type === "handling" ? { type, dispatcher: "张明" } : type === "cancelled" ? { type, cancelled: { by: "resident" } } : { type }, z)),
      ...alarmKinds.map((kind) => patrolSms({ alertId: 12, kind, address: facts.address, residents: facts.residents }, z, "https://hk.example/r/1.abc.x")),
    ];
    for (const state of ["received", "acknowledged", "responding", "resolved", "cancelled"] as AckState[]) {
      out.push(deviceText({ state, goingBy: null, goingAt: null, acknowledgedBy: "张明", timeZone: facts.timeZone }, z));
      out.push(deviceText({ state, goingBy: "王丽", goingAt: facts.at, acknowledgedBy: null, timeZone: facts.timeZone, reopened: true }, z));
    }
    return out;
  };

  it("every Chinese SMS, call prompt and device text uses full-width punctuation", () => {
    // the SMS link is a URL, not prose
    const bad = zhTexts().map((s) => s.replace(/https?:\/\/\S+/g, "")).filter((s) => asciiNextToChinese(s).length > 0 || asciiIn(s).length > 0);
    expect(bad).toEqual([]);
  });

  it("the CLI's Chinese messages use full-width punctuation in their prose", () => {
    const m = messages("zh-CN");
    const all = [m.topHelp, m.pressHelp, m.phoneHelp, m.usageError("x", "press"), m.unknownCommand("x"), m.pressed("btn-1", 3, "medical", "cancel"),
      m.resent(3, 2), m.ack("responding", 12, 3.2, "王丽", "正在赶来"), m.ackTimeout(10, 3, "./data/sim"), m.noConnection("mqtt://h", 5),
      m.unreachable("mqtt://h", "ECONNREFUSED"), m.untrusted("mqtts://h", "self-signed"), m.refused, m.cannotRun("x"), m.phoneListening("http://h", "AC1", "t")];
    // a URL template such as ws://主机:端口/mqtt is syntax, not prose
    expect(all.map((s) => s.replace(/\w+:\/\/\S+/g, "")).flatMap(asciiNextToChinese)).toEqual([]);
  });

  it("the demo phones panel says everything in both languages, full-width in Chinese", () => {
    const { en, zh } = phonesPanelStrings;
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    expect(Object.values(zh).flatMap((v: string) => asciiIn(v))).toEqual([]);
  });
  it("says every reason an imported row is refused in both languages, full-width in Chinese", () => {
    // one issue of each kind, its values as a file would give them
    const issues: { [C in ImportIssueCode]: Extract<ImportIssue, { code: C }> } = {
      required: { code: "required" }, too_long: { code: "too_long", max: 32 },
      not_yes_no: { code: "not_yes_no", value: "也许" }, not_language: { code: "not_language", value: "法语" },
      not_number: { code: "not_number", value: "八十", min: 0, max: 130 },
      bad_phone: { code: "bad_phone", value: "12345", region: "CN", example: "138 0013 8000" }, not_role: { code: "not_role", value: "朋友" },
      resident_needed: { code: "resident_needed" }, contact_needed: { code: "contact_needed" }, phone_needed: { code: "phone_needed" }, relation_needed: { code: "relation_needed" },
      household_differs: { code: "household_differs", here: "true", there: "false", line: 3 },
      person_differs: { code: "person_differs", name: "王秀英", here: "女儿", there: "儿子", line: 4 },
      phone_taken: { code: "phone_taken", name: "李静", other: "赵磊", line: 2 },
      household_exists: { code: "household_exists", place: "1号楼 1单元 101", id: 12 },
      not_csv: { code: "not_csv", detail: "Quote Not Closed" }, extra_cells: { code: "extra_cells", cells: 12, columns: 11, headerLine: 1 },
      empty_file: { code: "empty_file", columns: "楼栋/building、单元/unit、房号/room" }, duplicate_column: { code: "duplicate_column", first: "房号", second: "房间" },
      missing_column: { code: "missing_column", column: "房号/room", columns: "楼栋/building、单元/unit、房号/room" },
      invalid: { code: "invalid", detail: "Invalid input" },
    };
    for (const issue of Object.values(issues)) {
      const [en, zh] = [importIssueText(issue, "en"), importIssueText(issue, "zh-CN")];
      expect(en, issue.code).not.toBe("");
      expect(CJK.test(zh), `${issue.code}: ${zh}`).toBe(true);
      expect(asciiIn(zh), `${issue.code}: ${zh}`).toEqual([]);
    }
    expect(importIssueText(issues.household_differs, "zh-CN")).toContain("“否”");
  });
});
