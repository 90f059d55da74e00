/**
 * The responder link works without login and stops working after resolution
 * or expiry. The whole patrol loop: the dispatcher picks a patrol member on the alert page, the member
 * gets an SMS with the address and a signed link, opens it on a phone-sized page, and reports
 * "on my way", "arrived", "resolved"; every step is audited under their name and shown on the console.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { AckPayload, AlertView } from "@helpkey/shared";
import { createUser, launchBrowser, openConsolePage, type ConsolePage, type Login } from "../helpers/browser";
import { createHousehold, type Household } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

const ZHAO = "+8613800081001";
const SUN = "+8613800081002";
let browser: Browser;
let sys: TestSystem;
let home: Household;
let login: Login;
let clockOffset = 0;
const contexts: ConsolePage["context"][] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  clockOffset = 0;
  // The gateway's clock, movable: expiry is tested by moving time, not by waiting six hours.
  sys = await startTestSystem({ now: () => Date.now() + clockOffset });
  home = await createHousehold(sys.api, { contacts: [{ name: "Daughter Wang", phone: "+8613800081100", priority: 1 }], room: "502", resident: "Grandma Wang" });
  for (const [name, phone] of [["Patrol Zhao", ZHAO], ["Patrol Sun", SUN]]) {
    expect((await sys.api("POST", "/api/patrol", { communityId: home.communityId, name, phone, language: "en" })).status).toBe(201);
  }
  login = await createUser(sys.api, { name: "Dispatcher Zhang", communityIds: [home.communityId] });
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  await sys.close();
});

async function raise(): Promise<{ alertId: number; device: Awaited<ReturnType<typeof connectSim>> }> {
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  const alertId = (await device.waitForAck(device.press().seq, "received", 5000)).alertId;
  return { alertId, device };
}

/** The responder link from the SMS the phone network delivered to `phone`. */
async function linkSentTo(phone: string, alertId: number): Promise<string> {
  const sms = await waitFor(() => sys.phone!.messages.find((m) => m.to === phone && m.body.includes(`#${alertId}`)), 5000, `patrol SMS to ${phone}`);
  expect(sms.body).toContain("Building");
  expect(sms.body).toContain("room 502");
  const link = /(http:\/\/\S+\/r\/\S+)/.exec(sms.body)?.[1];
  expect(link?.startsWith(`${sys.publicUrl}/r/`)).toBe(true);
  return link!;
}

async function phonePage(url: string) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  contexts.push(context);
  await context.addInitScript(() => localStorage.setItem("hk-lang", "en"));
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

it("dispatches a patrol member from the alert page; the SMS link works without login through on my way, arrived, resolved, then stops", async () => {
  const { alertId, device } = await raise();
  const con = await openConsolePage(browser, sys.httpUrl, login);
  contexts.push(con.context);
  const p = con.page;
  await p.click(`.card[data-alert-id="${alertId}"] [data-action=open]`);
  await p.waitForSelector(`.view-alert[data-alert-id="${alertId}"][data-state=open]`);
  await p.waitForFunction(() => document.querySelectorAll(".patrol-select option").length === 3);
  await p.selectOption(".patrol-select", { label: `Patrol Zhao · ${ZHAO}` });
  await p.click("[data-action=dispatch]");
  await p.waitForSelector(`.view-alert[data-state=responding]`, { timeout: 2000 });
  // The patrol SMS shows in the timelines with the dispatcher as its actor; a second member can be sent too.
  await p.waitForSelector(".contact.other:has-text('Patrol Zhao')", { timeout: 2000 });
  expect((await sys.api("POST", `/api/alerts/${alertId}/dispatch-patrol`, { patrolMemberId: 2 })).status).toBe(201);
  const zhaoLink = await linkSentTo(ZHAO, alertId);
  await linkSentTo(SUN, alertId);
  expect((await sys.api<AlertView>("GET", `/api/alerts/${alertId}`)).body).toMatchObject({ state: "responding", acknowledgedBy: "Dispatcher Zhang" });

  // The member's phone: no login, the address, who pressed, who else is going.
  const phone = await phonePage(zhaoLink);
  await phone.waitForSelector("#responder[data-status=dispatched]");
  const text = (await phone.textContent("#responder"))!;
  expect(text).toContain("room 502");
  expect(text).toContain("Grandma Wang");
  expect(text).toContain("Patrol Sun");
  expect(text).toContain("Dispatcher Zhang");

  // The resident's device hears who is coming.
  const onWay = new Promise<AckPayload>((resolve) => device.on("ack", (a) => a.by === "Patrol Zhao" && resolve(a)));
  await phone.click("[data-step=on-way]");
  await phone.waitForSelector("#responder[data-status=on_way]");
  expect((await onWay).text).toContain("Patrol Zhao");
  await p.waitForSelector(".trail tr[data-type='alert.dispatched']:has-text('Patrol Zhao'):has-text('on the way')", { timeout: 2000 });

  await phone.click("[data-step=arrived]");
  await phone.waitForSelector("#responder[data-status=arrived]");
  await p.waitForSelector(".trail tr[data-type='alert.arrived']:has-text('Patrol Zhao')", { timeout: 2000 });
  await p.waitForSelector(".responders li[data-status=arrived]:has-text('Patrol Zhao')", { timeout: 2000 });

  // "resolved" asks first, with the outcome (real unless the member says otherwise)
  await phone.click("[data-step=resolved]");
  await phone.click("#confirm-resolved");
  await phone.waitForSelector("#responder[data-state=closed]");
  expect(await phone.textContent("#responder")).toContain("closed");
  await p.waitForSelector(`.view-alert[data-state=resolved]`, { timeout: 2000 });
  expect((await sys.api<AlertView>("GET", `/api/alerts/${alertId}`)).body).toMatchObject({ state: "resolved", outcome: "real" });
  await device.waitForAck(device.lastSeq, "resolved", 3000);

  // After resolution the link is dead: the page says so, the API answers 410, and no step is accepted.
  await phone.reload();
  await phone.waitForSelector("#responder[data-state=closed] h1");
  expect(await phone.textContent("#responder h1")).toContain("closed");
  const token = zhaoLink.split("/r/")[1]!;
  const gone = await fetch(`${sys.httpUrl}/api/responder/${token}`);
  expect(gone.status).toBe(410);
  expect((await fetch(`${sys.httpUrl}/api/responder/${token}/arrived`, { method: "POST" })).status).toBe(410);
  await device.close();
});

it("refuses an expired or forged link", async () => {
  const { alertId, device } = await raise();
  expect((await sys.api("POST", `/api/alerts/${alertId}/dispatch-patrol`, { patrolMemberId: 1 })).status).toBe(201);
  const link = await linkSentTo(ZHAO, alertId);
  const token = link.split("/r/")[1]!;
  expect((await fetch(`${sys.httpUrl}/api/responder/${token}`)).status).toBe(200);

  // A changed id or expiry breaks the signature.
  const [id, exp, mac] = token.split(".");
  for (const forged of [`${Number(id) + 1}.${exp}.${mac}`, `${id}.${(parseInt(exp!, 36) + 3600_000).toString(36)}.${mac}`, "1.zzzzzz.AAAAAAAAAAAAAAAAAAAAAA"]) {
    const r = await fetch(`${sys.httpUrl}/api/responder/${forged}`);
    expect(r.status).toBe(401);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("HK_BAD_SIGNATURE");
  }
  const forgedPage = await phonePage(`${sys.httpUrl}/r/${id}.${exp}.AAAAAAAAAAAAAAAAAAAAAA`);
  await forgedPage.waitForSelector("#responder[data-state=closed] h1");
  expect(await forgedPage.textContent("#responder h1")).toContain("not valid");

  // Seven hours later (links last six) the same link has expired, though the alert is still live.
  clockOffset = 7 * 3600_000;
  const expired = await fetch(`${sys.httpUrl}/api/responder/${token}`);
  expect(expired.status).toBe(410);
  expect((await fetch(`${sys.httpUrl}/api/responder/${token}/on-way`, { method: "POST" })).status).toBe(410);
  const page = await phonePage(link);
  await page.waitForSelector("#responder[data-state=closed] h1");
  expect(await page.textContent("#responder h1")).toContain("expired");
  // the alert itself is still live (with nobody on site for hours, the arrival timer has brought it back to open)
  expect(["open", "responding"]).toContain((await sys.api<AlertView>("GET", `/api/alerts/${alertId}`)).body.state);
  await device.close();
});
