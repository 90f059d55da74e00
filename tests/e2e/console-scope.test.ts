/**
 * A dispatcher of community X never sees community Y's alerts, in the UI and in the API (HTTP and the
 * console WebSocket). Also the login's contract: session cookie httpOnly + SameSite=Strict, passwords
 * slow-hashed, roles, and the admin token still working.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { Browser } from "playwright-core";
import type { AlertView, ConsoleFrame } from "@helpkey/shared";
import { users } from "@helpkey/gateway/db/schema";
import { createUser, launchBrowser, openConsolePage, type ConsolePage, type Login } from "../helpers/browser";
import { createHousehold, type Household } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let browser: Browser;
let sys: TestSystem;
let x: Household;
let y: Household;
let xLogin: Login;
let con: ConsolePage | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  sys = await startTestSystem();
  x = await createHousehold(sys.api, { contacts: [{ name: "X contact", phone: "+8613800071001", priority: 1 }], room: "101" });
  y = await createHousehold(sys.api, { contacts: [{ name: "Y contact", phone: "+8613800072001", priority: 1 }], room: "909" });
  xLogin = await createUser(sys.api, { name: "X Dispatcher", communityIds: [x.communityId] });
});
afterEach(async () => {
  await con?.context.close();
  con = undefined;
  await sys.close();
});

async function pressIn(h: Household): Promise<number> {
  const d = await connectSim(sys.mqttUrl, h.device.id, h.device.secret);
  const id = (await d.waitForAck(d.press().seq, "received", 5000)).alertId;
  await d.close();
  return id;
}

/** Logs in over HTTP and returns the cookie header and the raw Set-Cookie. */
async function login(l: Login): Promise<{ cookie: string; setCookie: string }> {
  const res = await fetch(`${sys.httpUrl}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: l.username, password: l.password }) });
  expect(res.status).toBe(200);
  const setCookie = res.headers.get("set-cookie")!;
  return { cookie: setCookie.split(";")[0]!, setCookie };
}

const as = (cookie: string) => async <T = any>(method: string, url: string, body?: unknown) => {
  const res = await fetch(`${sys.httpUrl}${url}`, { method, headers: { cookie, ...(body !== undefined ? { "content-type": "application/json" } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
};

describe("community scope", () => {
  it("never shows community Y's alerts to a dispatcher of X: queue, boards, HTTP API, WebSocket", async () => {
    con = await openConsolePage(browser, sys.httpUrl, xLogin);
    const yAlert = await pressIn(y);
    const xAlert = await pressIn(x);
    // Y's alert came first: its event, had it been sent, is handled before X's card shows
    await con.page.waitForSelector(`.card[data-alert-id="${xAlert}"]`, { timeout: 5000 });
    expect(await con.page.$(`.card[data-alert-id="${yAlert}"]`)).toBeNull();
    expect(await con.page.$$("#queue .card")).toHaveLength(1);

    // The boards: only X's building and devices; Y's alert page is not found.
    await con.page.click("nav a[data-route=buildings]");
    await con.page.waitForSelector(`.building[data-building-id="${x.buildingId}"]`);
    expect(await con.page.$(`.building[data-building-id="${y.buildingId}"]`)).toBeNull();
    await con.page.click("nav a[data-route=devices]");
    await con.page.waitForSelector(`tr[data-device-id="${x.device.id}"]`);
    expect(await con.page.$(`tr[data-device-id="${y.device.id}"]`)).toBeNull();
    await con.page.goto(`/#/alert/${yAlert}`);
    await con.page.waitForSelector(".view-alert .error");
    expect(await con.page.textContent(".view-alert .error")).toContain("not found");

    // The HTTP API with X's session cookie.
    const { cookie } = await login(xLogin);
    const api = as(cookie);
    expect((await api<AlertView[]>("GET", "/api/alerts")).body.map((a) => a.id)).toEqual([xAlert]);
    expect((await api<AlertView[]>("GET", `/api/alerts?communityId=${y.communityId}`)).body).toEqual([]);
    expect((await api("GET", `/api/alerts/${yAlert}`)).status).toBe(404);
    expect((await api("POST", `/api/alerts/${yAlert}/acknowledge`, {})).status).toBe(404);
    expect((await api("GET", `/api/board/alerts/${yAlert}/report`)).status).toBe(404);
    expect((await api<AlertView[]>("GET", "/api/board/history")).body.map((a) => a.id)).toEqual([xAlert]);
    expect((await api<{ devices: { id: string }[] }>("GET", `/api/board/devices?communityId=${y.communityId}`)).body.devices).toEqual([]);
    expect((await api<{ id: number }[]>("GET", "/api/board/buildings")).body.map((b) => b.id)).toEqual([x.buildingId]);
    expect((await sys.api("GET", `/api/alerts/${yAlert}`)).status).toBe(200); // the admin sees it

    // The WebSocket with X's cookie: a snapshot of X only, then X's events only.
    const frames: ConsoleFrame[] = [];
    const ws = new WebSocket(`${sys.httpUrl.replace(/^http/, "ws")}/api/console`, { headers: { cookie } });
    ws.on("message", (d) => frames.push(JSON.parse(String(d)) as ConsoleFrame));
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    // Y's alert changes (acknowledged: an alert event and notification events), then X's does.
    expect((await sys.api("POST", `/api/alerts/${yAlert}/acknowledge`, {})).status).toBe(200);
    expect((await sys.api("POST", `/api/alerts/${xAlert}/acknowledge`, {})).status).toBe(200);
    // the barrier: once Y's texts are out, X's resolve comes after every event of Y's in the log
    const pendingY = () => (sys.ctx.db.$client.prepare("SELECT count(*) AS n FROM notifications WHERE alert_id = ? AND status IN ('queued', 'sending')").get(yAlert) as { n: number }).n;
    await waitFor(() => pendingY() === 0, 10_000, "Y's texts sent");
    expect((await sys.api("POST", `/api/alerts/${xAlert}/resolve`, { outcome: "real" })).status).toBe(200);
    const resolvedX = (f: ConsoleFrame) => f.type === "alert.resolved" && (f as { alert?: AlertView }).alert?.id === xAlert;
    await waitFor(() => frames.some(resolvedX), 5000, "X's resolve on the WebSocket");
    const lastN = frames.find(resolvedX)!.n;
    ws.close();
    expect(frames[0]).toMatchObject({ type: "snapshot" });
    expect((frames[0] as { alerts: AlertView[] }).alerts.map((a) => a.id)).toEqual([xAlert]);
    const events = frames.slice(1) as { communityId: number; alert?: AlertView }[];
    expect(events.some((e) => e.alert?.id === xAlert)).toBe(true);
    expect(events.every((e) => e.communityId === x.communityId)).toBe(true);
    expect(events.some((e) => e.alert?.id === yAlert)).toBe(false);

    // Another site's page cannot open the console with the dispatcher's cookie (cross-site WebSocket hijacking).
    const evil = new WebSocket(`${sys.httpUrl.replace(/^http/, "ws")}/api/console`, { headers: { cookie, origin: "http://evil.example" } });
    const refused = await new Promise<number>((resolve) => {
      evil.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      evil.once("open", () => resolve(101));
    });
    expect(refused).toBe(403);

    // Replay (`since`) is scoped too.
    const replay: ConsoleFrame[] = [];
    const ws2 = new WebSocket(`${sys.httpUrl.replace(/^http/, "ws")}/api/console?since=0`, { headers: { cookie } });
    ws2.on("message", (d) => replay.push(JSON.parse(String(d)) as ConsoleFrame));
    await new Promise((resolve, reject) => ws2.once("open", resolve).once("error", reject));
    await waitFor(() => replay.some((f) => f.n >= lastN), 5000, "the replay up to X's resolve");
    ws2.close();
    expect(replay.length).toBeGreaterThan(0);
    expect(replay.every((f) => f.type !== "snapshot" && f.communityId === x.communityId)).toBe(true);
  });
});

describe("log in", () => {
  it("sets an httpOnly SameSite=Strict cookie, stores only a slow hash, and ends with log out", async () => {
    const { cookie, setCookie } = await login(xLogin);
    expect(setCookie).toMatch(/^hk_session=[\w-]{40,};/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).toContain("Path=/");
    const row = sys.ctx.db.select().from(users).all().find((u) => u.username === xLogin.username)!;
    expect(row.passwordHash).toMatch(/^scrypt\$/);
    expect(row.passwordHash).not.toContain(xLogin.password);
    const api = as(cookie);
    expect((await api("GET", "/api/session")).body).toMatchObject({ name: "X Dispatcher", role: "dispatcher", communityIds: [x.communityId] });
    expect((await api("DELETE", "/api/session")).status).toBe(204);
    expect((await api("GET", "/api/alerts")).status).toBe(401);

    const wrong = await fetch(`${sys.httpUrl}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: xLogin.username, password: "wrong password" }) });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe("HK_UNAUTHORIZED");

    // The browser's script cannot read the session cookie.
    con = await openConsolePage(browser, sys.httpUrl, xLogin);
    expect(await con.page.evaluate(() => document.cookie)).not.toContain("hk_session");

    // Guessing is slowed: after five wrong passwords for one account, even the right one waits.
    const attempt = (password: string) => fetch(`${sys.httpUrl}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: xLogin.username, password }) });
    for (let i = 0; i < 5; i++) expect((await attempt(`guess ${i}`)).status).toBe(401);
    expect((await attempt("guess 6")).status).toBe(429);
    expect((await attempt(xLogin.password)).status).toBe(429);

  });

  it("keeps dispatchers out of admin routes and audits them under their own name", async () => {
    const { cookie } = await login(xLogin);
    const api = as(cookie);
    expect((await api("POST", "/api/users", { username: "evil", name: "Evil", password: "12345678", role: "admin" })).status).toBe(403);
    expect((await api("POST", "/api/communities", { name: "Nope" })).status).toBe(403);
    expect((await api("GET", "/api/devices")).status).toBe(403);
    expect((await api("POST", "/api/patrol", { communityId: x.communityId, name: "P", phone: "+8613800079999" })).status).toBe(403);
    const xAlert = await pressIn(x);
    const r = await api<AlertView>("POST", `/api/alerts/${xAlert}/acknowledge`, { by: "Somebody Else" });
    expect(r.status).toBe(200);
    expect(r.body.acknowledgedBy).toBe("X Dispatcher");
    // Creating accounts needs the admin; a dispatcher needs a community; the admin token still works.
    expect((await sys.api("POST", "/api/users", { username: "nocomm", name: "N", password: "12345678", role: "dispatcher" })).status).toBe(400);
    expect((await sys.api("POST", "/api/users", { username: xLogin.username, name: "dup", password: "12345678", role: "admin" })).status).toBe(409);
    expect((await sys.api<{ username: string }[]>("GET", "/api/users")).body.map((u) => u.username)).toContain(xLogin.username);
    // The admin token also logs in to the console, as "admin".
    const admin = await fetch(`${sys.httpUrl}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: "test-admin-token-0123456789" }) });
    expect(admin.status).toBe(200);
    const adminApi = as(admin.headers.get("set-cookie")!.split(";")[0]!);
    expect((await adminApi<AlertView[]>("GET", "/api/alerts")).body.map((a) => a.id)).toContain(xAlert);
  });
});
