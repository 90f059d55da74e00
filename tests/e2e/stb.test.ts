/**
 * The set-top box against the real system: the red key after its countdown raises an emergency from
 * the remote, OK withdraws it before or after it goes, the green key's menu sends a service request
 * with its category, the TV page follows the alert as the dispatcher acts, and a message from the
 * centre is drawn and reported shown.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { InProcessBroker } from "@helpkey/broker";
import { createSetTopBox, type SetTopBox, type TvState } from "@helpkey/firmware-sim/stb";
import { topics, type AlarmPayload, type AlertView, type DeviceEvent } from "@helpkey/shared";
import { pressBarrier } from "../helpers/barrier";
import { launchBrowser, screenshot } from "../helpers/browser";
import { createHousehold, type Household } from "../helpers/community";
import { openConsole } from "../helpers/console-client";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem;
let home: Household;
let box: SetTopBox;
/** What the box put on the broker, as the gateway's side of the broker sees it. */
let alarms: AlarmPayload[];
let events: DeviceEvent[];

async function startBox(countdownMs: number): Promise<SetTopBox> {
  const created = await sys.api<{ id: string; secret: string }>("POST", "/api/devices", { householdId: home.householdId, type: "stb" });
  expect(created.status).toBe(201);
  const { id, secret } = created.body;
  const aedes = (sys.broker as InProcessBroker).aedes;
  const record = (topic: string, into: unknown[]) => new Promise<void>((resolve) =>
    aedes.subscribe(topic, (packet, cb) => (into.push(JSON.parse(String(packet.payload))), cb()), resolve));
  await record(topics.alarm(id), alarms);
  await record(topics.event(id), events);
  const b = await createSetTopBox({ url: sys.mqttUrl, id, secret, lang: "en", countdownMs, backoffBaseMs: 300, backoffCapMs: 1000, reconnectBaseMs: 100, reconnectJitterMs: 50 });
  await b.device.waitForConnect(5000);
  return b;
}

/** The service side publishes to the box's cmd topic, as the gateway does. */
function sendCmd(id: string, cmd: object): Promise<void> {
  return new Promise((resolve, reject) =>
    (sys.broker as InProcessBroker).aedes.publish({ cmd: "publish", topic: topics.cmd(id), payload: Buffer.from(JSON.stringify(cmd)), qos: 1, retain: false, dup: false }, (err) => (err ? reject(err) : resolve())));
}

/** Each press once: a retransmission (same seq) is the device protocol at work, not a second press. */
const presses = () => alarms.filter((a, i) => alarms.findIndex((b) => b.seq === a.seq) === i);

const stateJson = async (): Promise<TvState> => (await fetch(new URL("/state.json", box.url))).json() as Promise<TvState>;
/** The TV's screen once it shows the alert in `state`. */
const screenIn = (state: string) => waitFor(async () => {
  const st = await stateJson();
  return st.status?.state === state ? st : null;
}, 5000, `"${state}" on the TV`);

beforeEach(async () => {
  alarms = [];
  events = [];
  sys = await startTestSystem({ brokerThread: false }); // the test listens on the broker as the service side does
  home = await createHousehold(sys.api, { contacts: [{ name: "Daughter", phone: "+8613812350001", priority: 1 }] });
  sys.phone!.setPerson("+8613812350001", { never: true });
});
afterEach(async () => {
  await box?.close();
  await sys.close();
});

it("red, then the countdown runs out: an emergency from the remote, acked on the TV", async () => {
  box = await startBox(300);
  expect(box.key("red").mode).toBe("countdown");
  const s = await screenIn("received");
  expect(presses()).toEqual([expect.objectContaining({ action: "raise", kind: "emergency", trigger: "remote" })]);
  const alert = (await sys.api<AlertView>("GET", `/api/alerts/${s.status!.alertId}`)).body;
  expect(alert).toMatchObject({ kind: "emergency", deviceId: box.device.id, householdId: home.householdId, state: "open" });
  expect(s.view.title).toBe("Help requested");
});

it("red then OK within the countdown: nothing is raised", async () => {
  box = await startBox(10_000);
  box.key("red");
  expect(box.key("ok").mode).toBe("idle");
  // a press from another household, sent later, is through the whole pipeline first
  await pressBarrier(sys, { communityId: home.communityId });
  expect(presses()).toEqual([]);
  const list = (await sys.api<AlertView[]>("GET", `/api/alerts?communityId=${home.communityId}`)).body;
  expect(list.filter((a) => a.householdId === home.householdId)).toEqual([]);
});

it("OK on the sent screen cancels: the console sees the cancel (withdrawn, or a cancel request when late)", async () => {
  box = await startBox(200);
  const consoleWs = await openConsole(sys.httpUrl);
  try {
    box.key("red");
    await screenIn("received");
    expect(box.key("ok").status!.cancelSent).toBe(true);
    const frame = await consoleWs.waitFor((f) => "type" in f && (f.type === "alert.cancelled" || f.type === "alert.cancel_requested"), 5000);
    expect(presses().map((a) => [a.action, a.kind, a.trigger])).toEqual([["raise", "emergency", "remote"], ["cancel", "emergency", "remote"]]);
    // inside the cancel window and nobody has it: withdrawn, and the TV says so
    expect(frame.type).toBe("alert.cancelled");
    await screenIn("cancelled");
  } finally {
    await consoleWs.close();
  }
});

it("green, arrows and OK: a service request with the chosen category", async () => {
  box = await startBox(10_000);
  expect(box.key("green").menu!.items.map((i) => i.key)).toEqual(["medical_help", "home_care", "housekeeping", "repairs", "utilities", "government"]);
  box.key("down");
  box.key("down");
  box.key("right");
  box.key("ok");
  const s = await screenIn("received");
  expect(presses()).toEqual([expect.objectContaining({ action: "raise", kind: "service", category: "repairs", trigger: "remote" })]);
  const alert = (await sys.api<AlertView>("GET", `/api/alerts/${s.status!.alertId}`)).body;
  expect(alert).toMatchObject({ kind: "service", category: "repairs", deviceId: box.device.id });
  expect(s.view.lines).toContain("Service: Repairs");
});

it("the green key's menu is the community's own list: sent when the box connects, and again when the centre changes it", async () => {
  const put = (categories: object[]) => sys.api("PUT", `/api/communities/${home.communityId}/service-categories`, { categories });
  expect((await put([{ key: "meals", nameZh: "助餐", nameEn: "Meals" }, { key: "repairs", nameZh: "维修", nameEn: "Repairs" }])).status).toBe(200);
  box = await startBox(10_000);
  /** Opens the menu, reads it, and leaves it. */
  const menu = () => {
    const items = box.key("green").menu?.items.map((i) => i.key).join(",");
    box.key("back");
    return items;
  };
  await waitFor(() => (menu() === "meals,repairs" ? true : null), 5000, "the community's menu on the TV");
  box.key("green");
  box.key("ok");
  const s = await screenIn("received");
  expect((await sys.api<AlertView>("GET", `/api/alerts/${s.status!.alertId}`)).body).toMatchObject({ kind: "service", category: "meals" });
  // changed while the box is online: the next menu is the new list
  expect((await put([{ key: "laundry", nameZh: "洗衣", nameEn: "Laundry" }])).status).toBe(200);
  await waitFor(() => (menu() === "laundry" ? true : null), 5000, "the changed menu on the TV");
});

it("OK after the centre has claimed the alarm: not withdrawn, the console gets a cancel request", async () => {
  box = await startBox(200);
  const consoleWs = await openConsole(sys.httpUrl);
  try {
    box.key("red");
    const s = await screenIn("received");
    expect((await sys.api("POST", `/api/alerts/${s.status!.alertId}/acknowledge`, { by: "Dispatcher Wu" })).status).toBe(200);
    await screenIn("acknowledged");
    box.key("ok");
    const frame = await consoleWs.waitFor((f) => "type" in f && (f.type === "alert.cancelled" || f.type === "alert.cancel_requested"), 5000);
    expect(frame.type).toBe("alert.cancel_requested");
    expect(presses().map((a) => a.action)).toEqual(["raise", "cancel"]);
    expect((await sys.api<AlertView>("GET", `/api/alerts/${s.status!.alertId}`)).body.state).toBe("acknowledged");
  } finally {
    await consoleWs.close();
  }
});

it("a long press of green is a sign of life from the key; a display message is drawn, reported shown and dismissed", async () => {
  box = await startBox(10_000);
  expect(box.key("green", 2500).view.notice).toBe("I'm fine");
  await sendCmd(box.device.id, { type: "display", text: "Lift repairs on Monday, 9–12", msgId: 41, from: "Community centre" });
  await waitFor(() => events.some((e) => e.type === "shown"), 5000, "event shown");
  const s = await stateJson();
  expect(s.mode).toBe("message");
  expect(s.view).toMatchObject({ title: "Message from Community centre", lines: ["Lift repairs on Monday, 9–12"] });
  box.key("ok");
  await waitFor(() => events.some((e) => e.type === "dismissed"), 5000, "event dismissed");
  expect(events).toEqual([
    { type: "activity", ts: expect.any(Number), source: "key" },
    { type: "shown", msgId: 41 },
    { type: "dismissed", msgId: 41 },
  ]);
});

describe("the TV page", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("follows the alert as the dispatcher acts: received, acknowledged by name, resolved", async () => {
    box = await startBox(300);
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.setDefaultTimeout(5000);
    try {
      await page.goto(box.url);
      await page.waitForSelector("body[data-live=on]");
      await page.keyboard.press("r");
      await page.waitForSelector("#tv[data-mode=countdown]");
      await page.waitForSelector("#tv[data-state=received]");
      const { alertId } = (await stateJson()).status!;
      expect((await sys.api("POST", `/api/alerts/${alertId}/acknowledge`, { by: "Dispatcher Li" })).status).toBe(200);
      await page.waitForSelector("#tv[data-state=acknowledged]");
      expect(await page.textContent("#lines")).toContain("Taken by Dispatcher Li");
      await screenshot(page, "tv");
      expect((await sys.api("POST", `/api/alerts/${alertId}/resolve`, { outcome: "real" })).status).toBe(200);
      await page.waitForSelector("#tv[data-state=resolved]");
      // the remote drawn on the page works with the mouse too: OK closes the finished alert
      await page.click("button[data-key=ok]");
      await page.waitForSelector("#tv[data-mode=idle]");
    } finally {
      await page.close();
    }
  });
});
