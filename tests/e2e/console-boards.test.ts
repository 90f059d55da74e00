/**
 * On the demo community (Chinese names, three buildings): the device health board (online / offline
 * since / low battery / never seen, by building), the building view, history search and the printable
 * incident report, in zh-CN. With HK_SCREENSHOTS=1 (`pnpm screenshots`) it writes
 * docs/screenshots/{queue,alert,buildings,devices,responder,report}.png for the README.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { AlertView, CreatedDevice } from "@helpkey/shared";
import { createSimDevice, type SimDevice } from "@helpkey/firmware-sim/device";
import { createUser, launchBrowser, openConsolePage, screenshot, type ConsolePage } from "../helpers/browser";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let browser: Browser;
let sys: TestSystem;
let con: ConsolePage;
let clockOffset = 0;
const devices = new Map<string, SimDevice>();
const alerts: Record<"fire" | "emergency" | "medical" | "service", number> = { fire: 0, emergency: 0, medical: 0, service: 0 };

async function connect(id: string, battery: number): Promise<SimDevice> {
  const file = sys.demo!.credentialFiles.find((f) => f.endsWith(`/${id}.json`))!;
  const c = JSON.parse(readFileSync(file, "utf8")) as CreatedDevice;
  const d = createSimDevice({ url: sys.mqttUrl, id: c.id, secret: c.secret, battery, backoffBaseMs: 300, backoffCapMs: 1000, reconnectBaseMs: 100, reconnectJitterMs: 50 });
  await d.waitForConnect(5000);
  devices.set(id, d);
  return d;
}

/**
 * Presses as if `agoS` seconds ago: the gateway's clock is set back that far. It only ever moves
 * forward (the presses go oldest first, and it starts 150 s behind), as a real clock would: the
 * outbox's rate limiter measures time with it.
 */
async function press(id: string, kind: keyof typeof alerts, agoS: number): Promise<number> {
  clockOffset = Math.max(clockOffset, -agoS * 1000);
  const d = devices.get(id)!;
  return (await d.waitForAck(d.press({ kind }).seq, "received", 5000)).alertId;
}

beforeAll(async () => {
  // Without a CJK font Chinese renders as boxes: scripts/test-deps.sh installs one.
  expect(execFileSync("fc-list", [":lang=zh", "family"], { encoding: "utf8" })).toMatch(/WenQuanYi|Noto Sans CJK/);
  browser = await launchBrowser();
  clockOffset = -150_000;
  sys = await startTestSystem({ env: { HK_DEMO: "1" }, now: () => Date.now() + clockOffset });
  const communityId = sys.demo!.communityId;
  // The demo community brings its patrol roster (巡逻队员老赵, Patrol Sam).
  expect((await sys.api<unknown[]>("GET", `/api/patrol?communityId=${communityId}`)).body).toHaveLength(2);
  // Building 1 and 2 online (one battery low); 2-2-202 goes offline; building 3 and the set-top box never seen.
  for (const id of ["btn-11101", "btn-11202", "btn-12101", "btn-12202", "btn-21101", "btn-21202", "btn-22101", "btn-22202"]) {
    await connect(id, id === "btn-21101" ? 12 : 80 + (id.charCodeAt(6) % 15));
  }
  await devices.get("btn-22202")!.kill();
  devices.delete("btn-22202");
  alerts.fire = await press("btn-12101", "fire", 150);
  alerts.emergency = await press("btn-11202", "emergency", 75);
  alerts.medical = await press("btn-21202", "medical", 40);
  alerts.service = await press("btn-22101", "service", 5);
  clockOffset = 0;
  const login = await createUser(sys.api, { name: "调度员张明", communityIds: [communityId] });
  con = await openConsolePage(browser, sys.httpUrl, login, { lang: "zh-CN", width: 1360, height: 860 });
});
afterAll(async () => {
  await con?.context.close();
  for (const d of devices.values()) await d.close();
  await sys?.close();
  await browser?.close();
});

describe("the console in zh-CN, on the demo community", () => {
  it("queue: priority then age, age colours, counters (screenshot)", async () => {
    const p = con.page;
    await p.waitForFunction(() => document.querySelectorAll("#queue .card").length === 4);
    expect(await p.$$eval("#queue .card", (cs) => cs.map((c) => (c as HTMLElement).dataset.kind))).toEqual(["fire", "medical", "emergency", "service"]);
    expect(await p.getAttribute(`.card[data-alert-id="${alerts.fire}"]`, "class")).toContain("age-red");
    expect(await p.getAttribute(`.card[data-alert-id="${alerts.emergency}"]`, "class")).toContain("age-amber");
    expect(await p.getAttribute(`.card[data-alert-id="${alerts.medical}"]`, "class")).toContain("age-new");
    expect(await p.textContent(`.card[data-alert-id="${alerts.fire}"] .card-kind`)).toBe("火警");
    expect(await p.textContent(`.card[data-alert-id="${alerts.fire}"] h2`)).toContain("1号楼2单元101室");
    expect(await p.textContent("#count-unclaimed b")).toBe("3");
    expect(await p.textContent("#count-service b")).toBe("1");
    await p.waitForFunction(() => document.querySelector("#count-devices b")?.textContent === "2"); // one offline, one low battery
    expect(await p.getAttribute("body", "data-sound")).toBe("on");
    await screenshot(p, "queue");
  });

  it("alert page: household, device, contact timelines, patrol dispatched, audit (screenshot)", async () => {
    const p = con.page;
    await p.click(`.card[data-alert-id="${alerts.medical}"] [data-action=acknowledge]`);
    await p.waitForSelector(`.card[data-alert-id="${alerts.medical}"][data-state=acknowledged]`);
    await p.click(`.card[data-alert-id="${alerts.medical}"] [data-action=open]`);
    await p.waitForSelector(`.view-alert[data-alert-id="${alerts.medical}"]`, { timeout: 3000 });
    await p.waitForFunction(() => document.querySelectorAll(".patrol-select option").length === 3, undefined, { timeout: 3000 });
    await p.selectOption(".patrol-select", { label: "巡逻队员老赵 · +447700900001" });
    await p.click("[data-action=dispatch]");
    await p.waitForSelector(".view-alert[data-state=responding]", { timeout: 3000 });
    // Live timelines: SMS delivered to the contacts, and the calls of the first wave under way.
    await p.waitForSelector(".contact .step.good", { timeout: 5000 });
    await waitFor(() => sys.phone!.messages.some((m) => m.to === "+447700900001"), 5000, "patrol SMS");
    await p.waitForSelector(".contact.other:has-text('巡逻队员老赵') .notif[data-status=delivered]", { timeout: 5000 });
    expect(await p.textContent(".household")).toContain("杨国华");
    expect(await p.textContent(".box.devices")).toContain("btn-21202");
    expect(await p.textContent(".trail")).toContain("调度员张明");
    await screenshot(p, "alert");

    // The responder's phone, from the link in the SMS.
    const sms = sys.phone!.messages.find((m) => m.to === "+447700900001")!;
    expect(sms.body).toMatch(/【一键呼救】请前往2号楼1单元202室/);
    const phone = await browser.newContext({ viewport: { width: 390, height: 760 }, isMobile: true });
    await phone.addInitScript(() => localStorage.setItem("hk-lang", "zh-CN"));
    const pp = await phone.newPage();
    await pp.goto(/(http\S+)/.exec(sms.body)![1]!);
    await pp.waitForSelector("#responder[data-status=dispatched]");
    expect(await pp.textContent("#responder")).toContain("调度员张明");
    await screenshot(pp, "responder");
    await phone.close();
  });

  it("building view: units as cells coloured by alert and device trouble (screenshot)", async () => {
    const p = con.page;
    await p.keyboard.press("3");
    await p.waitForSelector(".building");
    expect(await p.$$eval(".building", (bs) => bs.length)).toBe(3);
    const cellOf = async (alertId: number) => (await sys.api<AlertView>("GET", `/api/alerts/${alertId}`)).body.householdId;
    expect(await p.getAttribute(`.cell[data-household-id="${await cellOf(alerts.fire)}"]`, "class")).toContain("cell-alert");
    expect(await p.getAttribute(`.cell[data-household-id="${await cellOf(alerts.medical)}"]`, "class")).toContain("cell-claimed");
    expect(await p.getAttribute(`.cell[data-household-id="${await cellOf(alerts.service)}"]`, "class")).toContain("cell-service");
    expect(await p.$$eval(".cell.cell-offline", (c) => c.length)).toBe(1);
    expect(await p.$$eval(".cell.cell-low_battery", (c) => c.length)).toBe(1);
    expect(await p.$$eval(".cell.cell-never_seen", (c) => c.length)).toBe(5); // building 3 and 1-1-101 (its set-top box never seen)
    await screenshot(p, "buildings");
    await p.click(`.cell[data-household-id="${await cellOf(alerts.fire)}"]`);
    await p.waitForSelector(`.view-alert[data-alert-id="${alerts.fire}"]`);
  });

  it("device health board: states with since when, filter by building and state (screenshot)", async () => {
    const p = con.page;
    await p.keyboard.press("2");
    await p.waitForSelector("tr[data-device-id]");
    expect(await p.getAttribute("tr[data-device-id=btn-22202]", "data-health")).toBe("offline");
    expect(await p.textContent("tr[data-device-id=btn-22202]")).toMatch(/自\d{4}-\d\d-\d\d \d\d:\d\d:\d\d离线/);
    expect(await p.getAttribute("tr[data-device-id=btn-21101]", "data-health")).toBe("low_battery");
    expect(await p.getAttribute("tr[data-device-id=stb-11101]", "data-health")).toBe("never_seen");
    expect(await p.textContent("[data-health-count=online]")).toContain("6");
    await screenshot(p, "devices");
    await p.selectOption("#device-building", { label: "3号楼 · 幸福里社区" });
    await p.waitForFunction(() => document.querySelectorAll("tr[data-device-id]").length === 4);
    expect(await p.$$eval("tr[data-device-id]", (rs) => rs.every((r) => (r as HTMLElement).dataset.health === "never_seen"))).toBe(true);
    await p.selectOption("#device-building", { index: 0 });
    await p.selectOption("#device-health", "offline");
    await p.waitForFunction(() => document.querySelectorAll("tr[data-device-id]").length === 1);
  });

  it("history: search by kind, outcome, building, room; a printable incident report (screenshot)", async () => {
    const p = con.page;
    // Resolve the medical alert as a false alarm, through the API as the admin.
    expect((await sys.api("POST", `/api/alerts/${alerts.medical}/resolve`, { outcome: "false_alarm", note: "误触" })).status).toBe(200);
    await p.keyboard.press("4");
    await p.waitForSelector(".view-history tr.hit");
    expect(await p.$$eval("tr.hit", (r) => r.length)).toBe(4);
    await p.selectOption("#history-form select[name=outcome]", "false_alarm");
    await p.click("#history-form button[type=submit]");
    await p.waitForFunction((id) => Array.from(document.querySelectorAll<HTMLElement>("tr.hit"), (r) => r.dataset.alertId).join() === String(id), alerts.medical);
    await p.selectOption("#history-form select[name=outcome]", "");
    await p.selectOption("#history-form select[name=kind]", "fire");
    await p.click("#history-form button[type=submit]");
    await p.waitForFunction((id) => Array.from(document.querySelectorAll<HTMLElement>("tr.hit"), (r) => r.dataset.alertId).join() === String(id), alerts.fire);
    await p.selectOption("#history-form select[name=kind]", "");
    await p.fill("#history-form input[name=q]", "202");
    await p.click("#history-form button[type=submit]");
    await p.waitForFunction(() => document.querySelectorAll("tr.hit").length === 2); // 1-1-202 and 2-1-202
    expect(await p.evaluate(() => location.hash)).toContain("q=202");

    await p.click(`tr.hit[data-alert-id="${alerts.medical}"]`);
    await p.waitForSelector(`.view-report[data-alert-id="${alerts.medical}"] .trail`);
    const trail = (await p.textContent(".view-report .trail"))!;
    for (const word of ["发出报警", "认领", "派遣巡逻", "已解决 — 误报 · 误触", "短信"]) expect(trail).toContain(word);
    expect(await p.isVisible("#print")).toBe(true);
    await screenshot(p, "report");
    await p.emulateMedia({ media: "print" });
    expect(await p.isVisible(".top")).toBe(false);
    expect(await p.isVisible("#print")).toBe(false);
    await p.emulateMedia({ media: "screen" });
  });
});
