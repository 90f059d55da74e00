/**
 * Kill and restart the gateway while a browser is open: the console reconnects
 * by itself with `since=N` and shows exactly what it missed (alerts raised and actions taken meanwhile),
 * as a replay of the missed events rather than a fresh snapshot. And the same after a network drop
 * that leaves the socket looking open (the console's watchdog must notice).
 */
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import type { Browser, WebSocket as PwWebSocket } from "playwright-core";
import type { AlertView } from "@helpkey/shared";
import { createUser, launchBrowser, openConsolePage, queueIds, type ConsolePage } from "../helpers/browser";
import { createHousehold } from "../helpers/community";
import { openConsole } from "../helpers/console-client";
import { connectSim } from "../helpers/device";
import { startTestSystem, type TestSystem } from "../helpers/system";

let browser: Browser;
let first: TestSystem | undefined;
let second: TestSystem | undefined;
let con: ConsolePage | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await con?.context.close();
  await second?.close();
  await first?.close();
});

it("reconnects after a gateway restart with since=N and shows the alerts raised meanwhile", async () => {
  first = await startTestSystem();
  const a = await createHousehold(first.api, { contacts: [{ name: "C1", phone: "+8613800061001", priority: 1 }], room: "301" });
  const b = await createHousehold(first.api, { communityId: a.communityId, contacts: [{ name: "C2", phone: "+8613800061002", priority: 1 }], room: "302" });
  const login = await createUser(first.api, { name: "Night Shift", communityIds: [a.communityId] });
  con = await openConsolePage(browser, first.httpUrl, login);
  const page = con.page;
  const sockets: { ws: PwWebSocket; at: number; frames: { type: string; n: number }[] }[] = [];
  page.on("websocket", (ws) => {
    const s = { ws, at: Date.now(), frames: [] as { type: string; n: number }[] };
    sockets.push(s);
    ws.on("framereceived", (f) => s.frames.push(JSON.parse(String(f.payload)) as { type: string; n: number }));
  });

  const devA = await connectSim(first.mqttUrl, a.device.id, a.device.secret);
  const alert1 = (await devA.waitForAck(devA.press().seq, "received", 5000)).alertId;
  await page.waitForSelector(`.card[data-alert-id="${alert1}"]`, { timeout: 1000 });
  await devA.close();

  // Down: the console notices and says so.
  const port = new URL(first.httpUrl).port;
  await first.stop();
  await page.waitForSelector("body[data-live=off]", { timeout: 3000 });
  expect(await page.textContent("#live-status")).toContain("offline");
  // read once the gateway is gone: events still in flight before (the device leaving, its contact's call) count
  const seen = Number(await page.getAttribute("body", "data-last-n"));
  expect(seen).toBeGreaterThan(0);
  // Keep the browser off the network while the gateway comes back and things happen, so that all of
  // it is missed and must come back by replay.
  await con.context.setOffline(true);

  second = await startTestSystem({ dataDir: first.dataDir, env: { HK_HTTP_PORT: port } });
  const devB = await connectSim(second.mqttUrl, b.device.id, b.device.secret);
  const alert2 = (await devB.waitForAck(devB.press({ kind: "fire" }).seq, "received", 5000)).alertId;
  expect((await second.api("POST", `/api/alerts/${alert1}/acknowledge`, { by: "Supervisor Wu" })).status).toBe(200);
  await devB.close();

  const onlineAt = Date.now();
  await con.context.setOffline(false);
  await page.waitForSelector(`.card[data-alert-id="${alert2}"]`, { timeout: 10_000 });
  await page.waitForSelector(`.card[data-alert-id="${alert1}"][data-state=acknowledged]`, { timeout: 2000 });
  expect(await page.getAttribute("body", "data-live")).toBe("on");

  // The reconnect asked for what came after the last number it saw, and got exactly that: no snapshot.
  const resumed = sockets.filter((s) => s.frames.length > 0 && s.ws.url().includes(`since=${seen}`));
  expect(resumed).toHaveLength(1);
  const frames = resumed[0]!.frames;
  expect(frames.some((f) => f.type === "snapshot")).toBe(false);
  expect(frames.map((f) => f.n)).toEqual(frames.map((_, i) => seen + 1 + i));
  expect(frames.map((f) => f.type)).toEqual(expect.arrayContaining(["alert.created", "alert.acknowledged"]));
  // It connected only once the network was back, after everything had happened: a replay, not live frames.
  expect(resumed[0]!.at).toBeGreaterThanOrEqual(onlineAt);
  const live = (await second.api<AlertView[]>("GET", "/api/alerts")).body.filter((x) => x.state !== "resolved" && x.state !== "cancelled");
  expect(await queueIds(page)).toEqual([alert2, alert1]);
  expect(live.map((x) => x.id).sort()).toEqual([alert1, alert2].sort());
  expect(Number(await page.getAttribute("body", "data-last-n"))).toBeGreaterThan(seen);
});

it("notices a network drop that leaves the socket open, and catches up with since=N when the network is back", async () => {
  first = await startTestSystem();
  const a = await createHousehold(first.api, { contacts: [{ name: "C1", phone: "+8613800062001", priority: 1 }], room: "401" });
  const login = await createUser(first.api, { name: "Night Shift", communityIds: [a.communityId] });
  con = await openConsolePage(browser, first.httpUrl, login);
  const page = con.page;
  const dev = await connectSim(first.mqttUrl, a.device.id, a.device.secret);
  const before = (await dev.waitForAck(dev.press({ kind: "service" }).seq, "received", 5000)).alertId;
  await page.waitForSelector(`.card[data-alert-id="${before}"]`, { timeout: 1000 });
  const seen = Number(await page.getAttribute("body", "data-last-n"));
  expect(seen).toBeGreaterThan(0);
  const urls: string[] = [];
  page.on("websocket", (ws) => urls.push(ws.url()));

  const witness = await openConsole(first.httpUrl);
  // Chromium's offline mode keeps an open WebSocket open: only the watchdog can tell it is cut off.
  await con.context.setOffline(true);
  await page.waitForSelector("body[data-live=off]", { timeout: 12_000 });
  // Meanwhile the service request is upgraded by an emergency press, and acknowledged.
  const alertId = (await dev.waitForAck(dev.press({ kind: "emergency" }).seq, "received", 5000)).alertId;
  expect(alertId).toBe(before);
  expect((await first.api("POST", `/api/alerts/${alertId}/acknowledge`, { by: "Supervisor Wu" })).status).toBe(200);
  await dev.close();
  // the barrier: a console that is online has the acknowledgement, so it was sent; the offline page has not
  await witness.waitFor((f) => f.type === "alert.acknowledged");
  await witness.close();
  expect(await page.getAttribute(`.card[data-alert-id="${alertId}"]`, "data-kind")).toBe("service");

  await con.context.setOffline(false);
  await page.waitForSelector(`.card[data-alert-id="${alertId}"][data-kind=emergency][data-state=acknowledged]`, { timeout: 10_000 });
  expect(urls.some((u) => u.endsWith(`since=${seen}`))).toBe(true);
});
