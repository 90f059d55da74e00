/**
 * The district command centre's page in Chromium: a district officer lands on it, sees each
 * community's figures, and an alarm its community did not claim in time comes up loud (the banner
 * "升级至辖区" and the console's alarm sound); an open alarm still within its delay stays quiet.
 */
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchBrowser, openConsolePage, type ConsolePage } from "../helpers/browser";
import { createDistrict, createDistrictUser, districtHousehold, press } from "../helpers/district";
import { startTestSystem, type TestSystem } from "../helpers/system";

let browser: Browser;
let sys: TestSystem | undefined;
let con: ConsolePage | undefined;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await con?.context.close();
  con = undefined;
  await sys?.close();
  sys = undefined;
});

it("shows the district's communities and sounds only for an alarm escalated to the district", async () => {
  sys = await startTestSystem();
  const district = await createDistrict(sys, "江滨辖区");
  const patient = await districtHousehold(sys, district, 600, "+8613800067001");
  const quick = await districtHousehold(sys, district, 1, "+8613800067002");
  const officer = await createDistrictUser(sys, [district]);
  con = await openConsolePage(browser, sys.httpUrl, { ...officer, name: "辖区值班员" }, { lang: "zh-CN" });
  const { page } = con;

  await page.waitForSelector(`#district-communities tr[data-community-id="${quick.communityId}"]`);
  // within its delay: the community centre's to answer, the district stays quiet
  await press(sys, patient);
  await page.waitForSelector(`tr[data-community-id="${patient.communityId}"] td[data-col="open"] >> text=1`);
  expect(await page.getAttribute("body", "data-sound")).toBe("off");
  expect(await page.isHidden("#district-escalated-banner")).toBe(true);

  const alertId = await press(sys, quick);
  await page.waitForSelector(`[data-escalated-alert-id="${alertId}"]`, { timeout: 10_000 });
  expect(await page.textContent("#district-escalated-banner")).toContain("升级至辖区");
  await page.waitForSelector("body[data-sound=on]");
  expect(await page.$$("[data-escalated-alert-id]")).toHaveLength(1);

  // claimed: off the loud list, and silent again
  expect((await sys.api("POST", `/api/alerts/${alertId}/acknowledge`, {})).status).toBe(200);
  await page.waitForSelector(`[data-escalated-alert-id="${alertId}"]`, { state: "detached" });
  await page.waitForSelector("body[data-sound=off]");
  expect(await page.isHidden("#district-escalated-banner")).toBe(true);
});
