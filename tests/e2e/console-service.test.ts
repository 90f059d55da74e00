/**
 * The service queue and messages to the TV, in real Chromium against the real system:
 * - a green-key press waits in the service lane (never the alarm lane, never a sound) under its
 *   category's name, turns a calm amber once its answer time has passed, and is claimed, noted and done;
 * - a message sent from the alert page reaches the household's set-top box as `cmd display`, and its
 *   status turns to "shown" when the box reports it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import mqtt, { type MqttClient } from "mqtt";
import type { Browser } from "playwright-core";
import type { SimDevice } from "@helpkey/firmware-sim/device";
import { topics, type AlertView, type TvMessageView } from "@helpkey/shared";
import { createUser, launchBrowser, openConsolePage, screenshot, type ConsolePage, type Login } from "../helpers/browser";
import { createHousehold, type Household } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

/** The answer-time target of the test's category: the smallest the gateway accepts. */
const TARGET_S = 60;

let browser: Browser;
let sys: TestSystem;
let homes: Household[];
let devices: SimDevice[];
let login: Login;
/** How far the gateway's clock runs behind the real one: a press made meanwhile looks that much older. */
let lag = 0;
const pages: ConsolePage[] = [];
const clients: MqttClient[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  lag = 0;
  sys = await startTestSystem({ now: () => Date.now() - lag });
  const first = await createHousehold(sys.api, { contacts: [{ name: "Daughter", phone: "+8613800072001", priority: 1 }], room: "101", resident: "Grandma Li" });
  const second = await createHousehold(sys.api, { communityId: first.communityId, contacts: [{ name: "Son", phone: "+8613800072002", priority: 1 }], room: "202", resident: "Grandpa Wang" });
  homes = [first, second];
  for (const phone of ["+8613800072001", "+8613800072002"]) sys.phone!.setPerson(phone, { never: true });
  devices = await Promise.all(homes.map((h) => connectSim(sys.mqttUrl, h.device.id, h.device.secret)));
  login = await createUser(sys.api, { name: "Dispatcher Zhao", communityIds: [first.communityId] });
});
afterEach(async () => {
  for (const p of pages.splice(0)) await p.context.close();
  for (const c of clients.splice(0)) await c.endAsync();
  for (const d of devices) await d.close();
  await sys.close();
});

async function serviceRequest(i: number, category: string): Promise<number> {
  const d = devices[i]!;
  return (await d.waitForAck(d.press({ kind: "service", category }).seq, "received", 5000)).alertId;
}

const cardSel = (id: number) => `.card[data-alert-id="${id}"]`;

describe("the service queue", () => {
  it("waits calmly in its own lane under the category's name, turns amber past its answer time, and is claimed, noted and done", async () => {
    const put = await sys.api("PUT", `/api/communities/${homes[0]!.communityId}/service-categories`, {
      categories: [{ key: "repairs", nameZh: "维修", nameEn: "Repairs", targetS: TARGET_S, route: "grid" }],
    });
    expect(put.status).toBe(200);
    // Pressed "earlier": its answer time passes a moment after the console has drawn it.
    lag = TARGET_S * 1000 - 1500;
    const late = await serviceRequest(1, "repairs");
    lag = 0;
    const fresh = await serviceRequest(0, "repairs");
    const alarm = (await sys.api<AlertView>("GET", `/api/alerts/${late}`)).body;
    expect(alarm.answerDueAt).toBe(alarm.firstPressAt + TARGET_S * 1000);

    const con = await openConsolePage(browser, sys.httpUrl, login);
    pages.push(con);
    const p = con.page;
    await p.waitForSelector(`#lane-service ${cardSel(late)}.age-due`);
    // The later request, drawn in the same frames, is still within its time: the amber follows the target, not the age alone.
    expect(await p.getAttribute(cardSel(fresh), "class")).toContain("age-new");
    for (const id of [late, fresh]) {
      expect(await p.$(`#lane-service ${cardSel(id)}`)).not.toBeNull();
      expect(await p.$(`#lane-urgent ${cardSel(id)}`)).toBeNull();
    }
    await p.waitForFunction((sel) => document.querySelector(`${sel} .card-kind`)?.textContent === "Repairs", cardSel(fresh));
    const look = (sel: string) => p.evaluate((q) => {
      const el = document.querySelector(q)!;
      return { pulse: getComputedStyle(el, "::after").animationName, background: getComputedStyle(el).backgroundColor };
    }, sel);
    const amber = await look(cardSel(late));
    expect(amber.pulse).toBe("none");
    expect(amber.background).not.toBe((await look(cardSel(fresh))).background);
    // Never the alarm treatment: no sound, no red counter, no blinking title.
    expect(await p.getAttribute("body", "data-sound")).toBe("off");
    expect(await p.textContent("#count-unclaimed b")).toBe("0");
    expect(await p.textContent("#count-service b")).toBe("2");
    expect(await p.title()).not.toContain("⚠");
    await screenshot(p, "console-service");

    // Claim: the box on the TV hears who has it.
    await p.click(`${cardSel(fresh)} [data-action=acknowledge]`);
    await p.waitForSelector(`${cardSel(fresh)}[data-state=acknowledged]`);
    expect((await devices[0]!.waitForAck(devices[0]!.lastSeq, "acknowledged", 5000)).by).toBe("Dispatcher Zhao");

    // A note, then done with what was done.
    await p.fill(`${cardSel(fresh)} .service-note`, "Plumber booked for 15:00");
    await p.click(`${cardSel(fresh)} [data-action=note]`);
    await waitFor(async () => (await sys.api<AlertView & { events: { type: string }[] }>("GET", `/api/alerts/${fresh}`)).body.events.some((e) => e.type === "alert.noted"), 5000, "the note");
    await p.fill(`${cardSel(fresh)} .service-note`, "Tap replaced");
    await p.click(`${cardSel(fresh)} [data-action=done]`);
    await p.waitForSelector(cardSel(fresh), { state: "detached" });
    const done = (await sys.api<AlertView>("GET", `/api/alerts/${fresh}`)).body;
    expect(done).toMatchObject({ state: "resolved", outcome: "real", note: "Tap replaced" });
    await devices[0]!.waitForAck(devices[0]!.lastSeq, "resolved", 5000);
  });
});

describe("welfare checks", () => {
  it("a household living alone with no sign of life for the span gets a labelled check in the service lane, in Chinese too", async () => {
    // A span of two seconds, every hour a waking hour: the check comes while the console watches.
    const policy = { timeZone: "UTC", welfare: { spanH: 2000 / 3_600_000, wakingHours: { from: "00:00", to: "00:00" } }, quietHours: { from: "03:00", to: "03:00" } };
    const community = await sys.api<{ id: number }>("POST", "/api/communities", { name: "Alone", language: "en", policy });
    expect(community.status).toBe(201);
    const alone = await createHousehold(sys.api, { communityId: community.body.id, contacts: [{ name: "Niece", phone: "+8613800072003", priority: 1 }], room: "303", resident: "Grandma Zhou" });
    const zhLogin = await createUser(sys.api, { name: "调度员赵", communityIds: [alone.communityId] });
    const con = await openConsolePage(browser, sys.httpUrl, zhLogin, { lang: "zh-CN" });
    pages.push(con);
    const p = con.page;
    expect((await sys.api("PATCH", `/api/households/${alone.householdId}`, { livesAlone: true })).status).toBe(200);
    const card = await p.waitForSelector(`#lane-service .card[data-category="welfare_check"]`, { timeout: 10_000 });
    expect(await card.$eval(".card-kind", (e) => e.textContent)).toBe("平安关怀：超过 24 小时无活动");
    expect(await p.$(`#lane-urgent .card[data-category="welfare_check"]`)).toBeNull();
    expect(await p.getAttribute("body", "data-sound")).toBe("off");
    await p.click("#lang");
    await p.waitForFunction(() => document.querySelector(`#lane-service .card[data-category="welfare_check"] .card-kind`)?.textContent === "Welfare check: no sign of life for 24 h");
  });
});

/** A set-top box for the household: takes `cmd display` and reports it on screen, as the firmware does. */
async function setTopBox(householdId: number): Promise<{ id: string; displayed: { text: string; msgId?: number }[] }> {
  const stb = await sys.api<{ id: string; secret: string }>("POST", "/api/devices", { householdId, type: "stb" });
  expect(stb.status).toBe(201);
  const { id, secret } = stb.body;
  const box = await mqtt.connectAsync(sys.mqttUrl, { clientId: id, username: id, password: secret, reconnectPeriod: 0 });
  clients.push(box);
  const displayed: { text: string; msgId?: number }[] = [];
  box.on("message", (_t, payload) => {
    const cmd = JSON.parse(String(payload)) as { type: string; text: string; msgId?: number };
    if (cmd.type !== "display") return;
    displayed.push(cmd);
    if (cmd.msgId !== undefined) void box.publishAsync(topics.event(id), JSON.stringify({ type: "shown", msgId: cmd.msgId }), { qos: 1 });
  });
  await box.subscribeAsync(topics.cmd(id), { qos: 1 });
  return { id, displayed };
}

describe("messages to the TV", () => {
  it("sends a message from the alert page and shows it as shown once the set-top box reports it", async () => {
    const box = await setTopBox(homes[0]!.householdId);
    const alertId = (await devices[0]!.waitForAck(devices[0]!.press({ kind: "emergency" }).seq, "received", 5000)).alertId;
    const con = await openConsolePage(browser, sys.httpUrl, login);
    pages.push(con);
    const p = con.page;
    await p.goto(`/#/alert/${alertId}`);
    await p.waitForSelector(".tv-messages [data-action=tv-building]:visible");
    expect(await p.textContent(".tv-messages [data-action=tv-building]")).toContain("Building");
    await p.fill(".tv-messages textarea", "Help is on the way. Stay where you are.");
    p.once("dialog", (d) => void d.accept());
    await p.click(".tv-messages [data-action=tv-household]");
    const row = await p.waitForSelector(".tv-msg[data-status=shown]");
    expect(await row.textContent()).toContain("Help is on the way. Stay where you are.");
    const msgId = Number(await row.getAttribute("data-msg-id"));
    expect(box.displayed).toContainEqual(expect.objectContaining({ text: "Help is on the way. Stay where you are.", msgId }));
    const listed = (await sys.api<TvMessageView[]>("GET", `/api/tv-messages?householdId=${homes[0]!.householdId}`)).body;
    expect(listed.find((m) => m.id === msgId)).toMatchObject({ status: "shown", by: "Dispatcher Zhao" });
  });

  it("sends to every TV of a building from the buildings board, each message's status live", async () => {
    const neighbour = await sys.api<{ id: number }>("POST", "/api/households", { unitId: homes[0]!.unitId, room: "102" });
    expect(neighbour.status).toBe(201);
    const boxes = [await setTopBox(homes[0]!.householdId), await setTopBox(neighbour.body.id)];
    const other = await setTopBox(homes[1]!.householdId);
    const con = await openConsolePage(browser, sys.httpUrl, login);
    pages.push(con);
    const p = con.page;
    await p.goto("/#/buildings");
    await p.click(`.building[data-building-id="${homes[0]!.buildingId}"] [data-action=tv-building-pick]`);
    await p.fill(".tv-messages textarea", "Water is off 14:00-16:00 today.");
    p.once("dialog", (d) => void d.accept());
    await p.click(".tv-messages [data-action=tv-building]:visible");
    await p.waitForFunction(() => document.querySelectorAll(".tv-msg[data-status=shown]").length === 2);
    for (const b of boxes) expect(b.displayed.map((d) => d.text)).toEqual(["Water is off 14:00-16:00 today."]);
    // Another building's box hears nothing: its household's own message proves the gateway got that far.
    expect((await sys.api("POST", `/api/households/${homes[1]!.householdId}/tv-messages`, { text: "ping" })).status).toBe(201);
    await waitFor(() => other.displayed.length > 0, 5000, "the other box's own message");
    expect(other.displayed.map((d) => d.text)).toEqual(["ping"]);
  });
});
