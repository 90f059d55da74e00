/**
 * The quick start's demo shows the whole loop: a demo button is pressed, the family is called, the
 * daughter presses 1 a few seconds into the call, and the console says she is going; the emulator's
 * phones panel (the address the banner prints) shows what each demo phone received, with the words
 * read aloud, newest first, in Chinese or English.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { AlertView, CreatedDevice } from "@helpkey/shared";
import { scriptDemoPeople } from "@helpkey/gateway/demo/demo-people";
import { demoContacts, demoPhone } from "@helpkey/gateway/demo/seed";
import { createUser, launchBrowser, openConsolePage, type ConsolePage } from "../helpers/browser";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let browser: Browser;
let sys: TestSystem;
let con: ConsolePage | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
  // the emulator's people live 4x faster: the daughter's "few seconds" pass in about two
  sys = await startTestSystem({ env: { HK_DEMO: "1" }, phoneSpeed: 4 });
  scriptDemoPeople(sys.phone!);
});
afterAll(async () => {
  await con?.context.close();
  await sys?.close();
  await browser?.close();
});

it("a demo press: the daughter presses 1, the console shows her going, the phones panel shows every SMS and call", async () => {
  const daughter = demoContacts(0)[0]!;
  expect(daughter.name).toBe("王丽（女儿）");
  const login = await createUser(sys.api, { name: "调度员张明", communityIds: [sys.demo!.communityId] });
  con = await openConsolePage(browser, sys.httpUrl, login, { lang: "zh-CN" });

  const c = JSON.parse(readFileSync(sys.demo!.credentialFiles.find((f) => f.endsWith("/btn-11101.json"))!, "utf8")) as CreatedDevice;
  const device = await connectSim(sys.mqttUrl, c.id, c.secret);
  try {
    const alertId = (await device.waitForAck(device.press().seq, "received", 5000)).alertId;
    const going = await waitFor(async () => {
      const a = (await sys.api<AlertView>("GET", `/api/alerts/${alertId}`)).body;
      return a.goingBy ? a : null;
    }, 20_000, "someone going");
    expect(going).toMatchObject({ goingBy: daughter.name, goingVia: "key", state: "acknowledged" });
    // the device and the console say who is coming
    await device.waitForAck(device.lastSeq, "acknowledged", 5000);
    await con.page.waitForSelector(`.card[data-alert-id="${alertId}"]:has-text("${daughter.name}")`, { timeout: 5000 });

    // The phones panel: the daughter's phone got the SMS and the call; the call was read aloud and she pressed 1.
    const records = (await (await fetch(`${sys.phoneUrl}/phones.json`)).json()) as { phone: string; name: string | null; entries: { kind: string; at: number; said?: string[]; digits?: string }[] }[];
    const hers = records.find((r) => r.phone === daughter.phone)!;
    expect(hers.name).toBe(daughter.name);
    expect(hers.entries.map((e) => e.kind).sort()).toEqual(expect.arrayContaining(["call", "sms"]));
    const ats = hers.entries.map((e) => e.at);
    expect(ats).toEqual([...ats].sort((a, b) => b - a));
    const call = hers.entries.find((e) => e.kind === "call")!;
    expect(call.digits).toBe("1");
    expect(call.said!.join("")).toContain("这里是一键呼救");

    const zh = await (await fetch(`${sys.phoneUrl}/?lang=zh-CN`)).text();
    expect(zh).toContain("演示电话");
    expect(zh).toContain(daughter.name);
    expect(zh).toContain("按了1");
    expect(zh).toContain("这里是一键呼救");
    const en = await (await fetch(`${sys.phoneUrl}/`, { headers: { "accept-language": "en-GB,en" } })).text();
    expect(en).toContain("Demo phones");
    expect(en).toContain("pressed 1");
    // the son, called in the same wave, was texted too; the resident's own phone is never called
    expect(records.find((r) => r.phone === demoPhone(0, 2))!.entries.some((e) => e.kind === "sms")).toBe(true);
    expect(records.some((r) => r.phone === demoPhone(0, 5))).toBe(false);
  } finally {
    await device.close();
  }
}, 60_000);
