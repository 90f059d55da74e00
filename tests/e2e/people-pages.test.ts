/**
 * The people around an alarm, in a real browser against a real gateway: the resident card on the
 * alert page (medical and mobility notes, click-to-call, key holders, the patrol, the door code shown
 * only on demand and every reveal audited, never on the console stream), and the responder page in
 * the patrol member's own language, with its steps ticked off, a confirmation with the outcome before
 * "resolved", the centre's number, and human sentences for a link that cannot be used.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import type { Browser, BrowserContext } from "playwright-core";
import type { AlertView } from "@helpkey/shared";
import { createUser, launchBrowser, openConsolePage, type Login } from "../helpers/browser";
import { createHousehold, type Household } from "../helpers/community";
import { openConsole } from "../helpers/console-client";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

const LAO_ZHAO = "+8613800082001";
const CENTRE = "+8613800082999";
const DOOR_CODE = "4711#";
let browser: Browser;
let sys: TestSystem;
let home: Household;
let login: Login;
let clockOffset = 0;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  clockOffset = 0;
  sys = await startTestSystem({ now: () => Date.now() + clockOffset });
  home = await createHousehold(sys.api, {
    room: "302", resident: "Grandma Li",
    contacts: [
      { name: "Li Mei", phone: "+8613800082100", priority: 1, relation: "daughter" },
      { name: "Neighbour Zhou", phone: "+8613800082101", priority: 2, relation: "neighbour" },
    ],
  });
  expect((await sys.api("PATCH", `/api/communities/${home.communityId}`, { phone: CENTRE })).status).toBe(200);
  const [resident] = (await sys.api<{ id: number }[]>("GET", `/api/residents?householdId=${home.householdId}`)).body;
  expect((await sys.api("PATCH", `/api/residents/${resident!.id}`, { phone: "+8613800082102", medical: "pacemaker", mobility: "wheelchair" })).status).toBe(200);
  expect((await sys.api("PATCH", `/api/contacts/${home.contactIds[1]}`, { hasKey: true })).status).toBe(200);
  expect((await sys.api("POST", "/api/patrol", { communityId: home.communityId, name: "老赵", phone: LAO_ZHAO, language: "zh-CN" })).status).toBe(201);
  login = await createUser(sys.api, { name: "Dispatcher Zhang", communityIds: [home.communityId] });
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  await sys.close();
});

async function raise(): Promise<{ alertId: number; close: () => Promise<void> }> {
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  const alertId = (await device.waitForAck(device.press().seq, "received", 5000)).alertId;
  return { alertId, close: () => device.close() };
}

async function phonePage(url: string, o: { lang?: "en" | "zh-CN"; locale?: string } = {}) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: o.locale ?? "en-US" });
  contexts.push(context);
  context.setDefaultTimeout(5000);
  if (o.lang) await context.addInitScript((l) => localStorage.setItem("hk-lang", l), o.lang);
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

it("resident card: notes, click-to-call, key holders, patrol; the door code only on demand, audited, never on the console stream", async () => {
  expect((await sys.api("PUT", `/api/households/${home.householdId}/door-code`, { doorCode: DOOR_CODE })).status).toBe(204);
  // sealed at rest: the database holds no clear code, and its key is not in the database
  const stored = sys.ctx.db.$client.prepare("SELECT door_code AS c FROM household_access WHERE household_id = ?").get(home.householdId) as { c: string };
  expect(stored.c).not.toContain(DOOR_CODE);
  expect(stored.c).toMatch(/^v1:/);
  const { alertId, close } = await raise();
  const con = await openConsolePage(browser, sys.httpUrl, login);
  contexts.push(con.context);
  const p = con.page;
  // every console frame from before the reveal until after it
  const stream = await openConsole(sys.httpUrl);
  await p.click(`.card[data-alert-id="${alertId}"] [data-action=open]`);
  await p.waitForSelector("#resident-card .card-residents li");
  const card = (await p.textContent("#resident-card"))!;
  for (const words of ["Grandma Li", "Medical: pacemaker", "Mobility: wheelchair", "Key holders", "Neighbour Zhou", "老赵", "neighbour", "daughter"]) expect(card).toContain(words);
  const tels = await p.$$eval("#resident-card a.tel", (as) => as.map((a) => a.getAttribute("href")));
  for (const n of ["+8613800082102", "+8613800082100", "+8613800082101", LAO_ZHAO, CENTRE]) expect(tels).toContain(`tel:${n}`);
  expect(await p.$$eval("#resident-card .key-holders li", (ls) => ls.map((l) => l.textContent))).toEqual([expect.stringContaining("Neighbour Zhou")]);
  // hidden until asked for: nowhere on the page, nothing audited yet
  expect(await p.content()).not.toContain(DOOR_CODE);
  expect((await sys.api<unknown[]>("GET", `/api/households/${home.householdId}/door-code-reveals`)).body).toEqual([]);

  await p.click("#reveal-door-code");
  await p.waitForSelector(`#door-code:has-text("${DOOR_CODE}")`);
  const reveals = (await sys.api<{ actor: string; alertId: number; userId: number | null }[]>("GET", `/api/households/${home.householdId}/door-code-reveals`)).body;
  expect(reveals).toEqual([expect.objectContaining({ actor: "Dispatcher Zhang", alertId })]);
  expect(reveals[0]!.userId).not.toBeNull();
  // the incident report names the reveal (who, when), not the code
  const report = await sys.api<{ trail: { type: string; actor: string }[] }>("GET", `/api/board/alerts/${alertId}/report`);
  expect(report.body.trail).toContainEqual(expect.objectContaining({ type: "alert.door_code", actor: "Dispatcher Zhang" }));
  expect(JSON.stringify(report.body)).not.toContain(DOOR_CODE);
  // a later console event proves the stream was read after the reveal: the code never went over it
  await p.click("[data-action=acknowledge]");
  await stream.waitFor((f) => f.type === "alert.acknowledged", 3000);
  expect(JSON.stringify(stream.frames)).not.toContain(DOOR_CODE);
  await stream.close();
  // the printed report: one row per contact (their SMS and calls in it), the reveal in the trail by name
  await p.goto(`${sys.httpUrl}/#/report/${alertId}`);
  await p.waitForSelector("#report-people tr.person");
  expect(await p.$$eval("#report-people tr.person", (rs) => rs.map((r) => r.querySelector("b")!.textContent))).toEqual(["Li Mei", "Neighbour Zhou"]);
  expect(await p.textContent(".view-report .trail")).toContain("door code shown");
  expect(await p.content()).not.toContain(DOOR_CODE);

  // a dispatcher of another community sees neither card nor code
  const other = await createHousehold(sys.api, { contacts: [] });
  const stranger = await createUser(sys.api, { name: "Other Centre", communityIds: [other.communityId] });
  const sc = await openConsolePage(browser, sys.httpUrl, stranger);
  contexts.push(sc.context);
  const status = await sc.page.evaluate(async (id) => [
    (await fetch(`/api/households/${id}/card`)).status,
    (await fetch(`/api/households/${id}/door-code`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status,
  ], home.householdId);
  expect(status).toEqual([404, 404]);
  expect((await sys.api<unknown[]>("GET", `/api/households/${home.householdId}/door-code-reveals`)).body).toHaveLength(1);
  await close();
});

it("responder page: the member's language, steps ticked off, resolved only after a confirmation with the outcome, the centre's number", async () => {
  const { alertId, close } = await raise();
  expect((await sys.api("POST", `/api/alerts/${alertId}/dispatch-patrol`, { patrolMemberId: 1 })).status).toBe(201);
  const sms = await waitFor(() => sys.phone!.messages.find((m) => m.to === LAO_ZHAO), 5000, "patrol SMS");
  const link = /(http:\/\/\S+\/r\/\S+)/.exec(sms.body)![1]!;

  // an English phone, no choice made on it: the page speaks the member's Chinese
  const page = await phonePage(link, { locale: "en-US" });
  await page.waitForSelector("#responder[data-status=dispatched]");
  expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
  expect(await page.textContent("[data-step=on-way]")).toBe("我正在前往");
  expect(await page.getAttribute("#call-centre", "href")).toBe(`tel:${CENTRE}`);

  await page.click("[data-step=on-way]");
  await page.waitForSelector("#responder[data-status=on_way]");
  expect(await page.textContent("[data-step=on-way]")).toBe("我正在前往 ✓");
  expect(await page.isDisabled("[data-step=on-way]")).toBe(true);
  expect(await page.isDisabled("[data-step=arrived]")).toBe(false);
  await page.click("[data-step=arrived]");
  await page.waitForSelector("#responder[data-status=arrived] [data-step=arrived][data-done]");

  // "resolved" asks first; going back changes nothing
  await page.click("[data-step=resolved]");
  await page.waitForSelector("#confirm-resolve");
  await page.click("#cancel-resolved");
  await page.waitForSelector("[data-step=resolved]");
  expect((await sys.api<AlertView>("GET", `/api/alerts/${alertId}`)).body.state).toBe("responding");
  await page.click("[data-step=resolved]");
  await page.selectOption("#outcome", "false_alarm");
  await page.fill("#resolve-note", "按错了");
  await page.click("#confirm-resolved");
  await page.waitForSelector("#responder[data-state=closed]");
  expect(await page.textContent(".closed-note")).toContain("误报");
  const alert = (await sys.api<AlertView>("GET", `/api/alerts/${alertId}`)).body;
  expect(alert).toMatchObject({ state: "resolved", outcome: "false_alarm", note: "按错了" });
  const report = await sys.api<{ trail: { type: string; actor: string }[] }>("GET", `/api/board/alerts/${alertId}/report`);
  expect(report.body.trail).toContainEqual(expect.objectContaining({ type: "alert.resolved", actor: "老赵" }));
  await close();
});

it("responder page: an expired, withdrawn, closed or damaged link is a sentence, never a raw error", async () => {
  const { alertId, close } = await raise();
  expect((await sys.api("POST", `/api/alerts/${alertId}/dispatch-patrol`, { patrolMemberId: 1 })).status).toBe(201);
  const sms = await waitFor(() => sys.phone!.messages.find((m) => m.to === LAO_ZHAO), 5000, "patrol SMS");
  const link = /(http:\/\/\S+\/r\/\S+)/.exec(sms.body)![1]!;
  const base = link.slice(0, link.indexOf("/r/") + 3);

  const damaged = await phonePage(`${base}abc`, { lang: "en" });
  await damaged.waitForSelector("#responder[data-reason=rDamaged] h1");
  expect(await damaged.textContent("h1")).toBe("This link is incomplete. Open it again from the SMS, in full.");
  const forged = await phonePage(`${link.slice(0, -4)}AAAA`, { lang: "zh-CN" });
  await forged.waitForSelector("#responder[data-reason=rInvalid] h1");
  expect(await forged.textContent("h1")).toBe("此链接无效。");

  clockOffset = 7 * 3600_000;
  const expired = await phonePage(link, { lang: "en" });
  await expired.waitForSelector("#responder[data-reason=rExpired] h1");
  expect(await expired.textContent("h1")).toBe("This link has expired.");
  clockOffset = 0;

  expect((await sys.api("DELETE", "/api/patrol/1")).status).toBe(204);
  const withdrawn = await phonePage(link, { lang: "en" });
  await withdrawn.waitForSelector("#responder[data-reason=rWithdrawn] h1");
  expect(await withdrawn.textContent("#responder")).not.toMatch(/HK_|token|:\s*String/);
  await close();
});
