/**
 * A drill on the console in Chromium: a dispatcher of the community sees the banner "Drill in
 * progress" / "演练中" with the drill's name while it runs, its alarms carry the DRILL / 演练 badge
 * in the queue, the drill's page shows the report so far, and once the drill has ended the banner
 * is gone. A dispatcher says a drill alarm is real from its card. A supervisor starts and ends a
 * drill from the console's drill pages.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { DrillDetail } from "@helpkey/shared/drills";
import { createUser, launchBrowser, openConsolePage, type ConsolePage } from "../helpers/browser";
import { createHousehold } from "../helpers/community";
import { press } from "../helpers/district";
import { startTestSystem, type TestSystem } from "../helpers/system";

let browser: Browser;
let sys: TestSystem;
const pages: ConsolePage[] = [];
beforeAll(async () => {
  browser = await launchBrowser();
  sys = await startTestSystem();
});
afterAll(async () => {
  for (const p of pages) await p.context.close();
  await browser?.close();
  await sys?.close();
});

it("bannered while it runs, its alarms badged, its report on the drill's page; gone once ended", async () => {
  const home = await createHousehold(sys.api, { contacts: [] });
  const drill = (await sys.api<DrillDetail>("POST", "/api/drills", { communityId: home.communityId, name: "Console drill" })).body;
  const con = await openConsolePage(browser, sys.httpUrl, await createUser(sys.api, { name: "Dispatcher Ma", communityIds: [home.communityId] }));
  pages.push(con);
  const { page } = con;

  await page.waitForSelector(`#drill-banner a[data-drill-id="${drill.id}"]`);
  expect(await page.textContent("#drill-banner")).toContain("Drill in progress: Console drill");
  const alertId = await press(sys, home);
  await page.waitForSelector(`#queue .card[data-alert-id="${alertId}"] .badge.drill`);
  expect(await page.textContent(`#queue .card[data-alert-id="${alertId}"] .badge.drill`)).toBe("DRILL");

  await page.click("#lang");
  await page.waitForSelector("#drill-banner >> text=演练中：Console drill");
  expect(await page.textContent(`#queue .card[data-alert-id="${alertId}"] .badge.drill`)).toBe("演练");

  await page.click(`#drill-banner a[data-drill-id="${drill.id}"]`);
  await page.waitForSelector(`#drill-rows tr[data-alert-id="${alertId}"]`);
  expect(await page.textContent("#drill-state")).toContain("演练仍在进行");
  // a dispatcher reads the report; ending the drill is the supervisor's
  expect(await page.$("#drill-end")).toBeNull();

  expect((await sys.api("POST", `/api/drills/${drill.id}/end`)).status).toBe(200);
  await page.reload();
  await page.waitForSelector("body[data-live=on]");
  await page.waitForSelector("#drill-state >> text=最终报告");
  expect(await page.isHidden("#drill-banner")).toBe(true);
});

it("\"not a drill\" on a drill alarm's card: confirmed, the badge goes and the alarm is an ordinary one", async () => {
  const home = await createHousehold(sys.api, { contacts: [] });
  const drill = (await sys.api<DrillDetail>("POST", "/api/drills", { communityId: home.communityId, name: "Real one" })).body;
  const con = await openConsolePage(browser, sys.httpUrl, await createUser(sys.api, { name: "Dispatcher Sun", communityIds: [home.communityId] }));
  pages.push(con);
  const { page } = con;
  const alertId = await press(sys, home);
  const card = `#queue .card[data-alert-id="${alertId}"]`;
  await page.waitForSelector(`${card} .badge.drill`);
  const asked: string[] = [];
  page.on("dialog", (d) => void (asked.push(d.message()), d.accept()));
  await page.click(`${card} button[data-action="real"]`);
  await page.waitForSelector(`${card}:not(:has(.badge.drill))`);
  expect(asked).toEqual([expect.stringContaining("The family is told and called now")]);
  expect(await page.$(`${card} button[data-action="real"]`)).toBeNull();
  const events = (await sys.api<{ events: { type: string; actor: string }[] }>("GET", `/api/alerts/${alertId}`)).body.events;
  expect(events.map((e) => [e.type, e.actor])).toContainEqual(["alert.real", "Dispatcher Sun"]);
  expect((await sys.api("POST", `/api/alerts/${alertId}/cancel`)).status).toBe(200);
  expect((await sys.api("POST", `/api/drills/${drill.id}/end`)).status).toBe(200);
});

it("a supervisor starts a drill from the drills page and ends it from its report", async () => {
  const home = await createHousehold(sys.api, { contacts: [] });
  const con = await openConsolePage(browser, sys.httpUrl, await createUser(sys.api, { name: "Supervisor Qian", communityIds: [home.communityId], role: "supervisor" }));
  pages.push(con);
  const { page } = con;
  page.on("dialog", (d) => void d.accept());
  await page.click('nav a[data-route="drills"]');
  await page.waitForSelector(`#drill-start select[name=communityId] option[value="${home.communityId}"]`, { state: "attached" });
  await page.fill("#drill-start input[name=name]", "Evening drill");
  await page.click("#drill-start button[type=submit]");
  await page.waitForSelector("#drill-banner >> text=Drill in progress: Evening drill");
  await page.waitForSelector("#drill-state >> text=Report so far");
  await page.click("#drill-end");
  await page.waitForSelector("#drill-state >> text=Final report");
  // the banner follows at once on this console
  await page.waitForSelector("#drill-banner", { state: "hidden" });
  const drills = (await sys.api<{ name: string; running: boolean; startedBy: string }[]>("GET", `/api/drills?communityId=${home.communityId}`)).body;
  expect(drills).toEqual([expect.objectContaining({ name: "Evening drill", running: false, startedBy: "Supervisor Qian" })]);
});
