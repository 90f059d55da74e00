/**
 * The technical lane in Chromium: a fault shows in its own calm lane (the alarm does not sound; a new
 * one chimes once), is acknowledged in place; the technical page lists each device's watch and last
 * self-test, asks a self-test with its button and puts a device on close watch.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { createSimDevice, type SimDevice, type SimDeviceOptions } from "@helpkey/firmware-sim/device";
import { createUser, launchBrowser, openConsolePage, type ConsolePage } from "../helpers/browser";
import { supervisedHome, type SupervisedHome } from "../helpers/supervised-home";
import { startTestSystem, type TestSystem } from "../helpers/system";

let sys: TestSystem;
let browser: Browser;
let con: ConsolePage;
let home: SupervisedHome;
const sims: SimDevice[] = [];

async function sim(dev: { id: string; secret: string }, o: Pick<SimDeviceOptions, "battery" | "selftest" | "selftestDetail"> = {}): Promise<SimDevice> {
  const d = createSimDevice({ url: sys.mqttUrl, id: dev.id, secret: dev.secret, backoffBaseMs: 300, backoffCapMs: 1000, reconnectBaseMs: 100, reconnectJitterMs: 50, ...o });
  sims.push(d);
  await d.waitForConnect(5000);
  return d;
}

beforeAll(async () => {
  browser = await launchBrowser();
  sys = await startTestSystem();
  home = await supervisedHome(sys.api, { supervision: { windowS: 1, smsAfterS: 3600 } });
  const login = await createUser(sys.api, { name: "Supervisor Gao", communityIds: [home.communityId], role: "supervisor" });
  con = await openConsolePage(browser, sys.httpUrl, login, { lang: "en" });
});
afterAll(async () => {
  await con?.context.close();
  for (const d of sims) await d.kill();
  await sys?.close();
  await browser?.close();
});

it("a fault in the technical lane: calm (no alarm sound), one chime, acknowledged in place", async () => {
  const p = con.page;
  const dev = await home.device();
  const d = await sim(dev);
  await d.kill();
  const card = await p.waitForSelector(`#lane-technical .fault-card[data-device-id="${dev.id}"][data-fault-type=offline]`);
  expect(await card.textContent()).toContain("Offline");
  expect(await card.textContent()).toContain("B1, U1, room 101");
  expect(await p.getAttribute("body", "data-sound")).toBe("off");
  expect(Number(await p.getAttribute("body", "data-chimes"))).toBe(1);
  await p.click(`#lane-technical .fault-card[data-device-id="${dev.id}"] [data-action=fault-ack]`);
  await p.waitForSelector(`#lane-technical .fault-card.fault-acked[data-device-id="${dev.id}"]`);
  expect(await p.textContent(`#lane-technical .fault-card[data-device-id="${dev.id}"] .fault-state`)).toContain("acknowledged by Supervisor Gao");
});

it("the technical page: a self-test from its button, its result with its time; close watch", async () => {
  const p = con.page;
  const dev = await home.device();
  await sim(dev, { selftest: "failed", selftestDetail: "speaker" });
  await p.goto("/#/technical");
  const row = `.supervision-table tr[data-device-id="${dev.id}"]`;
  await p.waitForSelector(`${row}[data-health=online][data-watch=standard]`);
  expect(await p.textContent(`${row} [data-selftest]`)).toBe("—");
  await p.click(`${row} [data-action=selftest]`);
  await p.waitForSelector(`${row} [data-selftest=failed]`);
  expect(await p.textContent(`${row} [data-selftest]`)).toMatch(/^failed \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  await p.waitForSelector(`#lane-technical .fault-card[data-device-id="${dev.id}"][data-fault-type=selftest_failed]`);
  await p.click(`${row} [data-action=watch]`);
  await p.waitForSelector(`${row}[data-watch=close]`);
  expect(await p.textContent(row)).toContain("close watch, 20 s");
});
