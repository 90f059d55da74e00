/**
 * Each card and the alert page lead with who is going, derived from the alert and the notification
 * events the console gets, in real Chromium against the real system and the phone-network emulator:
 * nobody reached, answered without a key (amber), claimed by key 1, claimed by SMS reply, a
 * dispatcher's acknowledge (the centre handling it, not going), and a patrol member on the way.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { SimDevice } from "@helpkey/firmware-sim/device";
import { createUser, launchBrowser, openConsolePage, type ConsolePage } from "../helpers/browser";
import { createHousehold, type Household } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let browser: Browser;
let sys: TestSystem;
let con: ConsolePage;
let p: Page;
const devices: SimDevice[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  // The emulated calls run 4× faster: an unanswered prompt (said twice, 8 s to press) ends in seconds.
  sys = await startTestSystem({ phoneSpeed: 4 });
  const login = await createUser(sys.api, { name: "Dispatcher Li", communityIds: [(await home("+8613800081000")).communityId] });
  con = await openConsolePage(browser, sys.httpUrl, login);
  p = con.page;
});
afterAll(async () => {
  await con?.context.close();
  for (const d of devices) await d.close();
  await sys?.close();
  await browser?.close();
});

let community: number | undefined;
async function home(phone: string): Promise<Household> {
  const h = await createHousehold(sys.api, { ...(community ? { communityId: community } : {}), contacts: [{ name: "Daughter", phone, priority: 1 }] });
  community = h.communityId;
  return h;
}

/** A household whose one contact behaves as `script`; its device presses; returns the alert id. */
async function pressWith(phone: string, script: Parameters<NonNullable<TestSystem["phone"]>["setPerson"]>[1]): Promise<number> {
  sys.phone!.setPerson(phone, script);
  const h = await home(phone);
  const d = await connectSim(sys.mqttUrl, h.device.id, h.device.secret);
  devices.push(d);
  return (await d.waitForAck(d.press({ kind: "emergency" }).seq, "received", 5000)).alertId;
}

/** Waits until the card's who-is-going line matches, and returns its tone and text. */
async function line(id: number, re: RegExp, timeout = 15_000): Promise<{ tone: string; text: string }> {
  const sel = `.card[data-alert-id="${id}"] .card-going`;
  await p.waitForFunction(([s, src]) => new RegExp(src!).test(document.querySelector(s!)?.textContent ?? ""), [sel, re.source], { timeout });
  // query and read in one evaluation: a card is rebuilt whenever its notifications change
  return p.evaluate((q) => {
    const el = document.querySelector<HTMLElement>(q)!;
    return { tone: el.dataset.going ?? "", text: el.textContent ?? "" };
  }, sel);
}

it("nobody reached yet: says so, with how many of the contacts were reached and who is being called", async () => {
  const id = await pressWith("+8613800081001", { never: true });
  const l = await line(id, /calling Daughter/);
  expect(l).toEqual({ tone: "nobody", text: expect.stringMatching(/^Nobody yet · 0 of 1 reached · calling Daughter$/) as unknown as string });
});

it("answered and hung up without a key: amber, not green", async () => {
  const id = await pressWith("+8613800081002", { answerAfterS: 0.2, press: null });
  const l = await line(id, /hung up without a key/, 30_000);
  expect(l.tone).toBe("warn");
  expect(l.text).toContain("Daughter answered, hung up without a key");
  const colour = await p.evaluate((q) => getComputedStyle(document.querySelector(q)!).backgroundColor, `.card[data-alert-id="${id}"] .card-going`);
  expect(colour).toBe("rgb(245, 165, 36)");
}, 40_000);

it("claimed by key 1 on the call: going, with the time; the alert page leads with the same line", async () => {
  const id = await pressWith("+8613800081003", { answerAfterS: 0.2, press: "1", pressAfterS: 0.1 });
  const l = await line(id, /is going/);
  expect(l.tone).toBe("going");
  expect(l.text).toMatch(/^Daughter is going — pressed 1 on the call at \d\d:\d\d$/);
  await p.click(`.card[data-alert-id="${id}"] [data-action=open]`);
  await p.waitForSelector(".alert-head .alert-going[data-going=going]");
  expect(await p.textContent(".alert-head .alert-going")).toBe(l.text);
  await p.click(".btn.back");
  await p.waitForSelector("#queue");
});

it("claimed by SMS reply: going, by SMS", async () => {
  const id = await pressWith("+8613800081004", { never: true, replySms: "1", replyAfterS: 0.2 });
  const l = await line(id, /is going/);
  expect(l.tone).toBe("going");
  expect(l.text).toMatch(/^Daughter is going — replied by SMS at \d\d:\d\d$/);
});

it("a dispatcher's acknowledge: the centre handling it, by name, never 'going'", async () => {
  const id = await pressWith("+8613800081005", { never: true });
  await line(id, /Nobody yet/);
  expect((await sys.api("POST", `/api/alerts/${id}/acknowledge`, { by: "Dispatcher Wu" })).status).toBe(200);
  const l = await line(id, /Centre handling/);
  expect(l.tone).toBe("handling");
  expect(l.text).toMatch(/^Centre handling, dispatcher Dispatcher Wu — nobody on the way yet/);
  expect(l.text).not.toMatch(/is going|on the way since/);
});

it("a patrol member: sent is not going; their 'on my way' is", async () => {
  const zhao = "+8613800081009";
  const id = await pressWith("+8613800081006", { never: true });
  const member = await sys.api<{ id: number }>("POST", "/api/patrol", { communityId: community, name: "Patrol Zhao", phone: zhao, language: "en" });
  expect((await sys.api("POST", `/api/alerts/${id}/dispatch-patrol`, { patrolMemberId: member.body.id })).status).toBe(201);
  const sent = await line(id, /Patrol sent by/);
  expect(sent.tone).toBe("handling");
  // the alert page's header follows the dispatch too: same line, state "responding"
  await p.click(`.card[data-alert-id="${id}"] [data-action=open]`);
  await p.waitForSelector(".alert-head .alert-going[data-going=handling]");
  expect(await p.textContent(".alert-head .alert-going")).toBe(sent.text);
  expect(await p.textContent("#alert-state")).toMatch(/^responding/);
  await p.click(".btn.back");
  await p.waitForSelector("#queue");
  const link = await waitFor(() => /\/r\/(\S+)$/.exec(sys.phone!.messages.find((m) => m.to === zhao)?.body ?? "")?.[1], 5000, "the patrol's link");
  expect((await fetch(`${sys.httpUrl}/api/responder/${link}/on-way`, { method: "POST" })).status).toBe(200);
  const l = await line(id, /on the way since/);
  expect(l.tone).toBe("going");
  expect(l.text).toMatch(/^Patrol Patrol Zhao on the way since \d\d:\d\d$/);
});

it("after a reload every card still says how many contacts were reached (the snapshot carries the notifications)", async () => {
  const id = await pressWith("+8613800081010", { never: true });
  await line(id, /0 of 1 reached · calling Daughter/);
  await p.reload();
  await p.waitForSelector("#queue");
  const l = await line(id, /reached/);
  expect(l.text).toMatch(/^Nobody yet · [01] of 1 reached/);
});
