/**
 * The outbox's backlog on the console: GET /api/board/outbox per channel (rows waiting, the time to
 * send the channel's queue at its rate), scoped to the caller's communities; the same on /metrics
 * (hk_outbox_depth, hk_outbox_oldest_wait_seconds by channel); and in the console's header while
 * anything waits, in both languages. The provider's rate here is one request per 100 s, so the
 * queue holds still while the test looks at it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { OutboxBacklog } from "@helpkey/shared";
import { createUser, launchBrowser, openConsolePage, type Login } from "../helpers/browser";
import { createHousehold, type Household } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { sampleOf, scrape } from "../helpers/metrics";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem;
let browser: Browser;
let a1: Household;
let b: Household;
let bLogin: Login;

beforeAll(async () => {
  sys = await startTestSystem({ rates: { smsPerSecond: 0.01, callsPerSecond: 0.01, maxInFlight: 20 } });
  const three = (tag: string) => [1, 2, 3].map((p) => ({ name: `${tag}${p}`, phone: `+86139777${tag === "A" ? 1 : tag === "C" ? 2 : 3}000${p}`, priority: p }));
  a1 = await createHousehold(sys.api, { contacts: three("A") });
  await createHousehold(sys.api, { communityId: a1.communityId, contacts: three("C") }).then((h) => pressAll([h]));
  b = await createHousehold(sys.api, { contacts: three("B").slice(0, 2) });
  bLogin = await createUser(sys.api, { name: "B Dispatcher", communityIds: [b.communityId] });
  for (let i = 1; i <= 3; i++) sys.phone!.setPerson(`+861397771000${i}`, { never: true });
  await pressAll([a1, b]);
  // 3 + 3 + 2 alarm texts and 3 first calls: one of each channel leaves at once (the bucket's one token);
  // the phone network has those two before the gateway has stored its answers: none left `sending`
  await waitFor(() => sys.phone!.messages.length === 1 && sys.phone!.calls.length === 1 && count("status = 'queued' AND channel = 'sms'") === 7 && count("status = 'sending'") === 0, 5000, "the queues");
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await sys?.close();
});

async function pressAll(homes: Household[]): Promise<void> {
  for (const h of homes) {
    const d = await connectSim(sys.mqttUrl, h.device.id, h.device.secret);
    await d.waitForAck(d.press().seq, "received", 5000);
    await d.close();
  }
}

const oldestQueued = (ch: string) => (sys.ctx.db.$client.prepare("SELECT min(created_at) AS at FROM notifications WHERE status = 'queued' AND channel = ?").get(ch) as { at: number }).at;
const count = (where: string, ...args: unknown[]) => (sys.ctx.db.$client.prepare(`SELECT count(*) AS n FROM notifications WHERE ${where}`).get(...args) as { n: number }).n;

async function sessionApi(l: Login) {
  const res = await fetch(`${sys.httpUrl}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: l.username, password: l.password }) });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("hk_session="))!.split(";")[0]!;
  return async (url: string) => {
    const r = await fetch(`${sys.httpUrl}${url}`, { headers: { cookie } });
    return { status: r.status, body: (await r.json()) as OutboxBacklog };
  };
}

const channel = (b: OutboxBacklog, ch: string) => b.channels.find((c) => c.channel === ch)!;

describe("GET /api/board/outbox", () => {
  it("per channel: what waits, how long the oldest has waited, and the time to send the queue at the provider's rate", async () => {
    const before = Date.now();
    const all = (await sys.api<OutboxBacklog>("GET", "/api/board/outbox")).body;
    const after = Date.now();
    expect(channel(all, "sms")).toMatchObject({ waiting: 7, ratePerS: 0.01, etaS: 700, pausedUntil: null });
    expect(channel(all, "call")).toMatchObject({ waiting: 2, ratePerS: 0.01, etaS: 200 });
    expect(channel(all, "control")).toMatchObject({ waiting: 0, ratePerS: null, etaS: null, oldestWaitS: null });
    // the oldest waiting text's age, in whole seconds, as of some moment of the request
    const oldest = oldestQueued("sms");
    expect(channel(all, "sms").oldestWaitS).toBeGreaterThanOrEqual(Math.round((before - oldest) / 1000));
    expect(channel(all, "sms").oldestWaitS).toBeLessThanOrEqual(Math.round((after - oldest) / 1000));
  });

  it("a dispatcher sees her communities' rows only; the time is the whole channel's queue, which hers are part of", async () => {
    const get = await sessionApi(bLogin);
    const mine = await get("/api/board/outbox");
    expect(mine.status).toBe(200);
    expect(channel(mine.body, "sms")).toMatchObject({ waiting: count("status = 'queued' AND channel = 'sms' AND community_id = ?", b.communityId), etaS: 700 });
    expect(channel(mine.body, "sms").waiting).toBeLessThanOrEqual(2);
    // another community's rows: none of hers, even when asked by id
    expect(channel((await get(`/api/board/outbox?communityId=${a1.communityId}`)).body, "sms")).toMatchObject({ waiting: 0, etaS: null });
    expect((await sys.api("GET", "/api/board/outbox?communityId=x")).status).toBe(400);
    expect((await sys.api("GET", "/api/board/outbox", undefined, "")).status).toBe(401);
  });

  it("on /metrics: depth and the oldest wait by channel", async () => {
    const before = Date.now();
    const text = await scrape(sys.httpUrl);
    const after = Date.now();
    const value = (name: string, ch: string) => sampleOf(text, name, { channel: ch });
    expect(value("hk_outbox_depth", "sms")).toBe(count("status IN ('queued', 'sending') AND channel = 'sms'"));
    expect(value("hk_outbox_depth", "control")).toBe(0);
    // the scrape may read a queue figure up to 2 s old, the age is of its own moment: between the two bounds
    const oldest = oldestQueued("sms");
    expect(value("hk_outbox_oldest_wait_seconds", "sms")).toBeGreaterThanOrEqual((before - oldest) / 1000);
    expect(value("hk_outbox_oldest_wait_seconds", "sms")).toBeLessThanOrEqual((after - oldest) / 1000);
    expect(value("hk_outbox_oldest_wait_seconds", "control")).toBe(0);
  });
});

describe("the console's header", () => {
  it("shows the queue and the time to send it, in English and Chinese, while anything waits", async () => {
    for (const [lang, sms, call] of [
      ["en", /^SMS queue \d, about 12 min at the current rate$/, /^Call queue 1, about 3 min at the current rate$/],
      ["zh-CN", /^短信待发 \d 条，按当前速率约 12 分钟$/, /^电话待拨 1 个，按当前速率约 3 分钟$/],
    ] as const) {
      const { context, page } = await openConsolePage(browser, sys.httpUrl, bLogin, { lang });
      await page.waitForSelector('#backlog .backlog-line[data-channel="sms"]');
      expect(await page.textContent('#backlog [data-channel="sms"]')).toMatch(sms);
      expect(await page.textContent('#backlog [data-channel="call"]')).toMatch(call);
      expect(await page.$('#backlog [data-channel="control"]')).toBeNull();
      await context.close();
    }
  });
});
