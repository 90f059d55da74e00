/**
 * The admin pages in a real browser against a real gateway: an administrator makes a community,
 * imports the sample spreadsheet (the dry run's counts, then the import, which writes exactly
 * those), finds an imported household with its residents and contacts, sees the gateway's words
 * under the phone box of a contact it refused, provisions a unit's devices and downloads the
 * installer's sheet, and one device from that sheet presses and raises an alert. A supervisor
 * sees only the pages a supervisor may use.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createUser, launchBrowser, openConsolePage, screenshot, type Login } from "../helpers/browser";
import { connectSim } from "../helpers/device";
import { startTestSystem, type TestSystem } from "../helpers/system";
import { parseCsv } from "../helpers/csv";

const SAMPLE = fileURLToPath(new URL("../../docs/samples/community.csv", import.meta.url));
const SLOW = { timeout: 20_000 };

let browser: Browser;
let sys: TestSystem;
let admin: Login;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  sys = await startTestSystem();
  admin = await createUser(sys.api, { name: "Admin Wu", communityIds: [], role: "admin" });
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  await sys.close();
});

async function open(login: Login, lang: "en" | "zh-CN" = "en"): Promise<Page> {
  const con = await openConsolePage(browser, sys.httpUrl, login, { lang });
  contexts.push(con.context);
  return con.page;
}

const count = (table: string, where = "1 = 1", ...args: unknown[]) => (sys.ctx.db.$client.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get(...args) as { n: number }).n;
const counted = (p: Page, key: string) => p.textContent(`#import-report [data-count=${key}]`).then(Number);

it("import with a dry run, the households it made, a refused phone under its field, a unit's credentials sheet whose device presses", async () => {
  const p = await open(admin, "zh-CN");
  await p.click("nav a[data-route=admin]");
  await p.click(".admin-tabs a[data-route=admin-import]");

  // a new community, made on the page
  await p.click("[data-create=community]");
  await p.fill("#new-community input[name=name]", "幸福里社区");
  await p.click("#new-community button[type=submit]");
  await p.waitForSelector("#pick-community option:checked:text('幸福里社区')", { state: "attached" });
  const communityId = Number(await p.inputValue("#pick-community"));
  expect(communityId).toBeGreaterThan(0);

  // the dry run reports and writes nothing; only then is "Import" offered
  expect(await p.isDisabled("#import-run")).toBe(true);
  await p.setInputFiles("#import-file", SAMPLE);
  await p.click("#import-dry-run");
  await p.waitForSelector("#import-report[data-applied=false][data-errors='0']", SLOW);
  const planned = { households: await counted(p, "households"), residents: await counted(p, "residents"), contacts: await counted(p, "contacts") };
  expect(planned.households).toBeGreaterThanOrEqual(200);
  expect(count("households")).toBe(0);
  expect(await p.isDisabled("#import-run")).toBe(false);
  await screenshot(p, "admin-import");
  await p.click("#import-run");
  await p.waitForSelector("#import-report[data-applied=true]", SLOW);
  expect(await p.isDisabled("#import-run")).toBe(true);
  expect({ households: count("households"), residents: count("residents"), contacts: count("contacts") }).toEqual(planned);

  // an imported household, found through community → building → unit, with its people
  const [building] = (await sys.api<{ id: number; name: string }[]>("GET", `/api/buildings?communityId=${communityId}`)).body;
  const [unit] = (await sys.api<{ id: number; name: string }[]>("GET", `/api/units?buildingId=${building!.id}`)).body;
  const homes = (await sys.api<{ id: number; room: string }[]>("GET", `/api/households?unitId=${unit!.id}&limit=500`)).body;
  let home: { id: number; residents: { name: string }[]; contacts: { id: number; name: string; phone: string }[] } | undefined;
  for (const hh of homes) {
    const residents = (await sys.api<{ name: string }[]>("GET", `/api/residents?householdId=${hh.id}`)).body;
    const contacts = (await sys.api<{ id: number; name: string; phone: string }[]>("GET", `/api/contacts?householdId=${hh.id}`)).body;
    if (residents.length && contacts.length) {
      home = { id: hh.id, residents, contacts };
      break;
    }
  }
  expect(home, "a household of the sample with residents and contacts").toBeDefined();
  await p.click("#import-see-households");
  await p.selectOption("#pick-building", { label: building!.name });
  await p.selectOption("#pick-unit", { label: unit!.name });
  const card = `.hh-card[data-household-id="${home!.id}"]`;
  await p.waitForSelector(card);
  for (const r of home!.residents) expect(await p.textContent(`${card} .hh-residents`)).toContain(r.name);
  for (const c of home!.contacts) expect(await p.textContent(`${card} .hh-contacts tr[data-contact-id="${c.id}"]`)).toContain(c.phone);

  // a phone number the gateway cannot read: said in the page's language under the phone box, with how one is written here; nothing stored
  const bad = { name: "Test Neighbour", phone: "12345", relation: "neighbour", priority: 2 };
  const refusal = await sys.api<{ error: { field: string; message: string; phone: { region: string; example: string } } }>("POST", "/api/contacts", { ...bad, householdId: home!.id });
  expect(refusal.status).toBe(400);
  expect(refusal.body.error.field).toBe("phone");
  expect(refusal.body.error.phone).toEqual({ region: "CN", example: expect.any(String) });
  await p.click(`${card} [data-do=add-contact]`);
  const form = `#add-contact-${home!.id}`;
  await p.fill(`${form} input[name=name]`, bad.name);
  await p.fill(`${form} input[name=phone]`, bad.phone);
  await p.fill(`${form} input[name=relation]`, bad.relation);
  await p.fill(`${form} input[name=priority]`, String(bad.priority));
  await p.click(`${form} button[type=submit]`);
  const said = await (await p.waitForSelector(`${form} [data-error-for=phone]:not(:empty)`)).textContent();
  expect(said).toBe(`不是中国的有效电话号码，请按此格式填写，例如 ${refusal.body.error.phone.example}。`);
  expect(count("contacts", "household_id = ?", home!.id)).toBe(home!.contacts.length);
  // the same form, a number as people write it: stored in E.164, shown on the card
  await p.fill(`${form} input[name=phone]`, "139 0013 9000");
  await p.click(`${form} button[type=submit]`);
  await p.waitForSelector(`${card} .hh-contacts :text('+8613900139000')`);

  // the unit's devices: one per household, the sheet downloaded once, its secrets good
  await p.click(".admin-tabs a[data-route=admin-provision]");
  await p.waitForFunction((id) => (document.querySelector("#pick-unit") as HTMLSelectElement | null)?.value === String(id), unit!.id);
  await p.click("#provision-unit");
  const link = await p.waitForSelector("#credentials-download", SLOW);
  expect(await p.textContent("#provision-result .secret-note")).toBeTruthy();
  const [download] = await Promise.all([p.waitForEvent("download"), link.click()]);
  expect(download.suggestedFilename()).toBe(`devices-unit-${unit!.id}.csv`);
  const sheet = readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
  const [header, ...rows] = parseCsv(sheet);
  expect(header).toEqual(["device_id", "secret", "household_id", "building", "unit", "room", "mqtt_url"]);
  expect(rows.map((r) => Number(r[2])).sort((a, b) => a - b)).toEqual(homes.map((hh) => hh.id).sort((a, b) => a - b));
  for (const r of rows) {
    expect(r[1]!.length).toBeGreaterThanOrEqual(16);
    expect([r[3], r[4]]).toEqual([building!.name, unit!.name]);
  }
  expect(Number(await p.getAttribute("#provision-result", "data-count"))).toBe(rows.length);

  const [deviceId, secret, householdId] = rows[0]!;
  const device = await connectSim(sys.mqttUrl, deviceId!, secret!);
  try {
    const ack = await device.waitForAck(device.press().seq, "received", 5000);
    const alert = await sys.api<{ householdId: number; deviceId: string }>("GET", `/api/alerts/${ack.alertId}`);
    expect(alert.body).toMatchObject({ householdId: Number(householdId), deviceId });
  } finally {
    await device.close();
  }
});

it("a dry run with bad rows lists each with line, column and reason (in the page's language), and offers no import", async () => {
  const c = (await sys.api<{ id: number }>("POST", "/api/communities", { name: "Bad file" })).body;
  const p = await open(admin, "zh-CN");
  await p.goto(`${sys.httpUrl}/#/admin-import?community=${c.id}`);
  await p.waitForSelector(`#pick-community option:checked[value="${c.id}"]`, { state: "attached" });
  const csv = "楼栋,单元,房号,居民,年龄,联系人,电话,关系\n1号楼,1单元,101,王秀英,82,王丽,138 0013 8000,女儿\n1号楼,1单元,102,李建国,二百,李明,12345,儿子\n";
  await p.setInputFiles("#import-file", { name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await p.click("#import-dry-run");
  await p.waitForSelector("#import-report[data-errors='2']");
  const line3 = await p.$$eval("#import-errors tr[data-line='3'] td:nth-child(2)", (tds) => tds.map((td) => td.textContent).sort());
  expect(line3).toEqual(["年龄", "电话"]);
  const reasons = await p.$$eval("#import-errors tr[data-line='3'] td:nth-child(3)", (tds) => tds.map((td) => td.textContent));
  expect(reasons).toEqual(["“二百”不是 0 到 130 之间的整数", expect.stringMatching(/^“12345”不是有效的电话号码（CN），例如 /)]);
  expect(await p.isDisabled("#import-run")).toBe(true);
  expect(count("households")).toBe(0);
});

it("a supervisor sees households, patrol roster, groups and the audit trail only, and keeps the roster", async () => {
  const c = (await sys.api<{ id: number }>("POST", "/api/communities", { name: "Roster" })).body;
  const lead = await createUser(sys.api, { name: "Lead Zhou", communityIds: [c.id], role: "supervisor" });
  const p = await open(lead, "zh-CN");
  await p.click("nav a[data-route=admin]");
  const tabs = await p.$$eval(".admin-tabs a", (as) => as.map((a) => (a as HTMLElement).dataset.route));
  expect(tabs).toEqual(["admin-households", "admin-patrol", "admin-groups", "admin-audit"]);
  await p.click(".admin-tabs a[data-route=admin-patrol]");
  await p.selectOption("#pick-community", String(c.id));
  await p.click("#add-patrol");
  await p.fill("#new-patrol input[name=name]", "老赵");
  await p.fill("#new-patrol input[name=phone]", "138 0013 8111");
  await p.click("#new-patrol button[type=submit]");
  await p.waitForSelector("#patrol :text('+8613800138111')");
  // and the change is in the audit trail, under the supervisor's name
  await p.click(".admin-tabs a[data-route=admin-audit]");
  const row = await p.waitForSelector("#audit tr[data-entity=patrol_member][data-action=create]");
  expect(await row.textContent()).toContain("Lead Zhou");
});
