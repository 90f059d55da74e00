/**
 * The console at 3 a.m., in real Chromium against the real system:
 * - a new unclaimed alarm is the loudest thing on screen (its kind's colour, a pulse), a claimed one
 *   and a service request are calm, each in its lane; the counter and the tab title agree;
 * - after a reload the browser keeps audio locked: a "turn sound on" bar says so, one click enables it;
 * - a lost gateway greys the console, disables actions and says since when; a language switch
 *   leaves the socket alone.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { SimDevice } from "@helpkey/firmware-sim/device";
import { createUser, launchBrowser, openConsolePage, screenshot, type ConsolePage, type Login } from "../helpers/browser";
import { createHousehold, type Household } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, type TestSystem } from "../helpers/system";

let browser: Browser;
let sys: TestSystem;
let homes: Household[];
let devices: SimDevice[];
let login: Login;
const pages: ConsolePage[] = [];
const browsers: Browser[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  sys = await startTestSystem();
  const phones = ["+8613800071001", "+8613800071002", "+8613800071003"];
  // Nobody answers: the alarms stay unclaimed unless a test claims them.
  for (const phone of phones) sys.phone!.setPerson(phone, { never: true });
  const first = await createHousehold(sys.api, { contacts: [{ name: "Daughter", phone: phones[0]!, priority: 1 }], room: "101", resident: "Grandma Li" });
  homes = [first];
  for (let i = 1; i < phones.length; i++) {
    homes.push(await createHousehold(sys.api, { communityId: first.communityId, contacts: [{ name: `Son ${i}`, phone: phones[i]!, priority: 1 }], room: `20${i}`, resident: `Grandpa ${i}` }));
  }
  devices = await Promise.all(homes.map((h) => connectSim(sys.mqttUrl, h.device.id, h.device.secret)));
  login = await createUser(sys.api, { name: "Dispatcher Li", communityIds: [first.communityId] });
});
afterEach(async () => {
  for (const p of pages.splice(0)) await p.context.close();
  for (const b of browsers.splice(0)) await b.close();
  for (const d of devices) await d.close();
  await sys.close();
});

async function press(i: number, kind: "emergency" | "medical" | "service" | "fire"): Promise<number> {
  const d = devices[i]!;
  return (await d.waitForAck(d.press({ kind }).seq, "received", 5000)).alertId;
}

// One evaluation (query and read together): a card is rebuilt when its notifications change.
const styleOf = (p: ConsolePage["page"], sel: string) =>
  p.evaluate((q) => {
    const el = document.querySelector(q)!;
    const s = getComputedStyle(el);
    return { animation: getComputedStyle(el, "::after").animationName, background: s.backgroundColor, lane: el.closest("[data-lane]")?.getAttribute("data-lane") ?? null };
  }, sel);

describe("salience", () => {
  it("a new unclaimed alarm stands out from a claimed one and a service request; counter and title agree", async () => {
    const claimed = await press(0, "emergency");
    expect((await sys.api("POST", `/api/alerts/${claimed}/acknowledge`, { by: "Dispatcher Wu" })).status).toBe(200);
    const service = await press(1, "service");
    const con = await openConsolePage(browser, sys.httpUrl, login);
    pages.push(con);
    const p = con.page;
    await p.waitForSelector(`.card[data-alert-id="${service}"]`);
    const fresh = await press(2, "fire");
    await p.waitForSelector(`.card[data-alert-id="${fresh}"]`);

    const loud = await styleOf(p, `.card[data-alert-id="${fresh}"]`);
    const calmClaimed = await styleOf(p, `.card[data-alert-id="${claimed}"]`);
    const calmService = await styleOf(p, `.card[data-alert-id="${service}"]`);
    // From its first second, not after minutes of waiting: the pulse and the kind's colour.
    expect(await p.getAttribute(`.card[data-alert-id="${fresh}"]`, "class")).toContain("age-new");
    expect(loud.animation).toBe("alarm-pulse");
    expect(calmClaimed.animation).toBe("none");
    expect(calmService.animation).toBe("none");
    expect(new Set([loud.background, calmClaimed.background, calmService.background]).size).toBe(3);
    expect([loud.lane, calmClaimed.lane, calmService.lane]).toEqual(["urgent", "urgent", "service"]);
    expect(await p.$(`.card[data-alert-id="${fresh}"] .card-icon svg.icon-fire`)).not.toBeNull();
    // The unclaimed fire sits above the claimed emergency although both are alarms.
    expect(await p.$$eval("#lane-urgent .card", (cs) => cs.map((c) => Number((c as HTMLElement).dataset.alertId)))).toEqual([fresh, claimed]);

    // One unclaimed alarm: the counter says 1 and so does the title (the service request is counted apart).
    expect(await p.textContent("#count-unclaimed b")).toBe("1");
    expect(await p.textContent("#count-service b")).toBe("1");
    await p.waitForFunction(() => document.title.startsWith("⚠"));
    expect(await p.title()).toContain("(1)");
    await screenshot(p, "console-salience");
  });

  it("after a reload, a bar says the sound is blocked; one click turns it on and the bar goes", async () => {
    await press(0, "medical");
    // A console opened with its session cookie and never touched since: what a reload at night is.
    // A browser of its own: Chromium lets audio start on a host where any earlier page was clicked.
    const own = await launchBrowser();
    const context = await own.newContext({ baseURL: sys.httpUrl });
    browsers.push(own);
    context.setDefaultTimeout(5000);
    pages.push({ context, page: await context.newPage() });
    expect((await context.request.post("/api/session", { data: { username: login.username, password: login.password } })).status()).toBe(200);
    const p = pages.at(-1)!.page;
    await p.goto("/");
    await p.waitForSelector("body[data-live=on][data-sound=on]");
    await p.waitForSelector("#sound-banner", { state: "visible" });
    expect(await p.getAttribute("body", "data-audio")).not.toBe("running");
    await p.click("#sound-banner");
    await p.waitForSelector("body[data-audio=running]");
    await p.waitForSelector("#sound-banner", { state: "hidden" });
  });
});

describe("desktop notification", () => {
  it("tells the desktop of each new alarm once permission is given, and never of a service request", async () => {
    const con = await openConsolePage(browser, sys.httpUrl, login);
    pages.push(con);
    await con.context.grantPermissions(["notifications"]);
    // Records what the page shows on the desktop (each one still goes to the real Notification).
    await con.context.addInitScript(() => {
      const Real = window.Notification;
      const shown: string[] = [];
      (window as unknown as { shownNotifications: string[] }).shownNotifications = shown;
      window.Notification = class extends Real {
        constructor(title: string, o?: NotificationOptions) {
          super(title, o);
          shown.push(`${title} | ${o?.body ?? ""}`);
        }
      } as typeof Notification;
    });
    const p = con.page;
    await p.reload();
    await p.waitForSelector("body[data-live=on]");
    const service = await press(1, "service");
    await p.waitForSelector(`.card[data-alert-id="${service}"]`);
    const fire = await press(0, "fire");
    await p.waitForSelector(`.card[data-alert-id="${fire}"]`);
    const shown = await p.evaluate(() => (window as unknown as { shownNotifications: string[] }).shownNotifications);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatch(new RegExp(`^Fire #${fire} \\| Building \\d+, Unit \\d+, room 101 · Grandma Li$`));
  });
});

describe("liveness", () => {
  it("a language switch leaves the socket live: no false offline, no new connection, new alarms still arrive", async () => {
    const con = await openConsolePage(browser, sys.httpUrl, login);
    pages.push(con);
    const p = con.page;
    const sockets: string[] = [];
    p.on("websocket", (ws) => sockets.push(ws.url()));
    await p.click("#lang");
    await p.waitForFunction(() => document.querySelector("#count-unclaimed span")?.textContent === "未认领");
    expect(await p.getAttribute("body", "data-live")).toBe("on");
    expect(await p.textContent("#live-status")).toBe("在线");
    const id = await press(0, "emergency");
    await p.waitForSelector(`.card[data-alert-id="${id}"]`);
    expect(sockets).toEqual([]);
    expect(await p.textContent("#live-status")).toBe("在线");
  });

  it("stopping the gateway greys the queue, disables actions and says since when", async () => {
    const id = await press(0, "emergency");
    const con = await openConsolePage(browser, sys.httpUrl, login);
    pages.push(con);
    const p = con.page;
    const ack = `.card[data-alert-id="${id}"] [data-action=acknowledge]`;
    await p.waitForSelector(ack);
    expect(await p.isEnabled(ack)).toBe(true);
    await sys.stop();
    await p.waitForSelector("body[data-live=off]");
    expect(await p.textContent("#live-status")).toMatch(/^offline since \d\d:\d\d — reconnecting/);
    expect(await p.isDisabled(ack)).toBe(true);
    expect(await p.$eval("#main", (m) => getComputedStyle(m).filter)).toContain("grayscale");
    // The keyboard cannot act either: the console says nothing was sent.
    await p.keyboard.press("a");
    await p.waitForSelector("#toast.show[data-kind=warn]");
    expect(await p.textContent("#toast")).toContain("nothing was sent");
  });
});
