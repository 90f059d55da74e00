/**
 * A storm on the console: 500 help buttons pressed within seconds (each alarm texts and calls its
 * contact, so thousands of console events follow), in real Chromium against the real system. Every
 * alarm gets its card, in queue order, and the page keeps up with the socket. How fast is measured by
 * `pnpm bench:console-storm`, not here.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { AlertView } from "@helpkey/shared";
import { startLightFleet, type LightFleet } from "../bench/lib/light-fleet";
import { seedDatabase } from "../bench/lib/seed";
import { createUser, launchBrowser, openConsolePage, type ConsolePage } from "../helpers/browser";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ALARMS = 500;

let browser: Browser;
let sys: TestSystem;
let fleet: LightFleet | undefined;
let con: ConsolePage | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
  const dataDir = mkdtempSync(path.join(tmpdir(), "hk-console-storm-"));
  await seedDatabase(ROOT, dataDir, ALARMS, () => undefined);
  sys = await startTestSystem({ dataDir });
}, 120_000);
afterAll(async () => {
  await con?.context.close();
  fleet?.stop();
  await sys?.close();
  await browser?.close();
});

it("shows a card for every one of 500 alarms pressed within seconds, in queue order", async () => {
  fleet = await startLightFleet(sys.mqttUrl, ALARMS);
  const login = await createUser(sys.api, { name: "Night Shift", communityIds: [1] });
  con = await openConsolePage(browser, sys.httpUrl, login);
  const p = con.page;
  await fleet.pressAll(2);
  await waitFor(() => fleet!.acked() === ALARMS, 60_000, "every press acknowledged by the system");
  const open = (await sys.api<AlertView[]>("GET", "/api/alerts?state=open&limit=500")).body;
  expect(open).toHaveLength(ALARMS);

  await p.waitForFunction((n) => document.querySelectorAll("#queue .card").length === n, ALARMS, { timeout: 60_000 });
  const shown = await p.$$eval("#queue .card", (cs) => cs.map((c) => Number((c as HTMLElement).dataset.alertId)));
  // every alert once, all emergencies and unclaimed: oldest first press first
  const expected = [...open].sort((a, b) => a.firstPressAt - b.firstPressAt || a.id - b.id).map((a) => a.id);
  expect(shown).toEqual(expected);
  expect(await p.textContent("#count-unclaimed b")).toBe(String(ALARMS));
  // Only the first few cards pulse: hundreds of animated cards would keep the page repainting every frame.
  const animated = await p.evaluate(() => document.getAnimations().filter((a) => a instanceof CSSAnimation && a.animationName === "alarm-pulse").length);
  expect(animated).toBe(10);
  // The page has applied every event the gateway has sent so far (the last number it saw matches the socket's).
  const pulse = await p.evaluate(() => fetch("/api/board/pulse").then((r) => r.json() as Promise<{ n: number }>));
  await p.waitForFunction((n) => Number(document.body.dataset.lastN) >= n, pulse.n, { timeout: 60_000 });
}, 180_000);
