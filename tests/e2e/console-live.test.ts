/**
 * In real Chromium against the real system (how fast is measured by the bench, not here):
 * - a simulated press shows a new card live, in the right order against older alarms, with the
 *   sound flag on; acknowledging in browser A updates browser B live (audited, reaches the device);
 * - a conflicting action (both acknowledge) gives one winner and a clear message to the other;
 * - keyboard shortcuts drive the main actions.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { AlertView } from "@helpkey/shared";
import type { SimDevice } from "@helpkey/firmware-sim/device";
import { createUser, launchBrowser, openConsolePage, queueIds, type ConsolePage, type Login } from "../helpers/browser";
import { createHousehold, type Household } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, type TestSystem } from "../helpers/system";

let browser: Browser;
let sys: TestSystem;
let homes: Household[];
let devices: SimDevice[];
let zhang: Login;
let li: Login;
const pages: ConsolePage[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  sys = await startTestSystem();
  const first = await createHousehold(sys.api, { contacts: [{ name: "Daughter", phone: "+8613800051001", priority: 1 }], room: "101", resident: "Grandma Li" });
  homes = [first];
  for (let i = 0; i < 3; i++) {
    homes.push(await createHousehold(sys.api, { communityId: first.communityId, contacts: [{ name: `Son ${i}`, phone: `+861380005200${i}`, priority: 1 }], room: `20${i}`, resident: `Grandpa ${i}` }));
  }
  devices = await Promise.all(homes.map((h) => connectSim(sys.mqttUrl, h.device.id, h.device.secret)));
  zhang = await createUser(sys.api, { name: "Dispatcher Zhang", communityIds: [first.communityId] });
  li = await createUser(sys.api, { name: "Dispatcher Li", communityIds: [first.communityId] });
});
afterEach(async () => {
  for (const p of pages.splice(0)) await p.context.close();
  for (const d of devices) await d.close();
  await sys.close();
});

async function press(i: number, kind: "emergency" | "medical" | "service" | "fire"): Promise<number> {
  const d = devices[i]!;
  const ack = await d.waitForAck(d.press({ kind }).seq, "received", 5000);
  return ack.alertId;
}

describe("the live queue", () => {
  it("shows each new press live in priority-then-age order with the sound on, and A's acknowledge reaches B", async () => {
    const a = await openConsolePage(browser, sys.httpUrl, zhang);
    const b = await openConsolePage(browser, sys.httpUrl, li);
    pages.push(a, b);
    expect(await a.page.getAttribute("body", "data-sound")).toBe("off");

    // Older alarms: a service request first, then an emergency.
    const oldService = await press(0, "service");
    const oldEmergency = await press(1, "emergency");
    await a.page.waitForFunction(() => document.querySelectorAll("#queue .card").length === 2);

    // A new emergency goes after the older emergency (same priority, younger) but above the service request.
    devices[2]!.press({ kind: "emergency" });
    await a.page.waitForFunction(() => document.querySelectorAll("#queue .card").length === 3, undefined, { timeout: 10_000 });
    const newEmergency = (await sys.api<AlertView[]>("GET", "/api/alerts")).body.find((x) => x.householdId === homes[2]!.householdId)!.id;
    expect(await queueIds(a.page)).toEqual([oldEmergency, newEmergency, oldService]);

    // A new medical alarm is more urgent than any emergency: straight to the top, in both browsers.
    devices[3]!.press({ kind: "medical" });
    await Promise.all([a.page, b.page].map((p) => p.waitForFunction(() => document.querySelectorAll("#queue .card").length === 4, undefined, { timeout: 10_000 })));
    const medical = (await sys.api<AlertView[]>("GET", "/api/alerts")).body.find((x) => x.householdId === homes[3]!.householdId)!.id;
    expect(await queueIds(a.page)).toEqual([medical, oldEmergency, newEmergency, oldService]);
    expect(await queueIds(b.page)).toEqual([medical, oldEmergency, newEmergency, oldService]);

    // Sound on and title blinking while anything is unclaimed; counters at the top.
    expect(await a.page.getAttribute("body", "data-sound")).toBe("on");
    await a.page.waitForFunction(() => document.title.includes("UNCLAIMED"), undefined, { timeout: 2000 });
    expect(await a.page.textContent("#count-unclaimed b")).toBe("3");
    expect(await a.page.textContent("#count-service b")).toBe("1");
    expect(await a.page.getAttribute(`.card[data-alert-id="${medical}"]`, "data-kind")).toBe("medical");
    expect(await a.page.getAttribute(`.card[data-alert-id="${oldService}"]`, "class")).toContain("kind-service");

    // Acknowledge in A: B shows it live; the audit names the dispatcher; the device hears it.
    await a.page.click(`.card[data-alert-id="${medical}"] [data-action=acknowledge]`);
    await b.page.waitForSelector(`.card[data-alert-id="${medical}"][data-state=acknowledged]`, { timeout: 10_000 });
    expect(await b.page.textContent(`.card[data-alert-id="${medical}"] .card-state`)).toContain("Dispatcher Zhang");
    const detail = await sys.api<{ acknowledgedBy: string; events: { type: string; actor: string }[] }>("GET", `/api/alerts/${medical}`);
    expect(detail.body.acknowledgedBy).toBe("Dispatcher Zhang");
    expect(detail.body.events).toContainEqual(expect.objectContaining({ type: "alert.acknowledged", actor: "Dispatcher Zhang" }));
    const ack = await devices[3]!.waitForAck(devices[3]!.lastSeq, "acknowledged", 2000);
    expect(ack.by).toBe("Dispatcher Zhang");

    // Claim the rest: the sound stops and the title stops blinking.
    for (const id of [oldEmergency, newEmergency, oldService]) await a.page.click(`.card[data-alert-id="${id}"] [data-action=acknowledge]`);
    await b.page.waitForSelector("body[data-sound=off]", { timeout: 5000 });
    expect(await b.page.title()).not.toContain("UNCLAIMED");
  });

  it("gives one winner when two dispatchers acknowledge at once, and tells the other who won", async () => {
    const id = await press(0, "emergency");
    const a = await openConsolePage(browser, sys.httpUrl, zhang);
    const b = await openConsolePage(browser, sys.httpUrl, li);
    pages.push(a, b);
    const sel = `.card[data-alert-id="${id}"] [data-action=acknowledge]`;
    const [btnA, btnB] = await Promise.all([a.page.waitForSelector(sel), b.page.waitForSelector(sel)]);
    // Both buttons pressed before either console has heard of the other's click.
    await Promise.all([btnA.evaluate((el) => (el as HTMLElement).click()), btnB.evaluate((el) => (el as HTMLElement).click())]);
    const toasts = await Promise.all([a.page, b.page].map(async (p) => {
      await p.waitForSelector("#toast.show", { timeout: 3000 });
      return { kind: await p.getAttribute("#toast", "data-kind"), text: (await p.textContent("#toast")) ?? "" };
    }));
    const winner = (await sys.api<AlertView>("GET", `/api/alerts/${id}`)).body.acknowledgedBy;
    expect(["Dispatcher Zhang", "Dispatcher Li"]).toContain(winner);
    expect(toasts.map((x) => x.kind).sort()).toEqual(["ok", "warn"]);
    const loser = toasts.find((x) => x.kind === "warn")!;
    expect(loser.text).toContain(winner!);
    expect(loser.text).toContain("already acknowledged");
    const acks = (await sys.api<{ events: { type: string }[] }>("GET", `/api/alerts/${id}`)).body.events.filter((e) => e.type === "alert.acknowledged");
    expect(acks).toHaveLength(1);
  });

  it("acts from the keyboard: select, acknowledge, open, resolve with a note, switch language", async () => {
    const first = await press(0, "emergency");
    const second = await press(1, "fire");
    const a = await openConsolePage(browser, sys.httpUrl, zhang);
    pages.push(a);
    const p = a.page;
    await p.waitForFunction(() => document.querySelectorAll("#queue .card").length === 2);
    // j selects the top card (fire), j again the next (emergency); a acknowledges the selected one.
    await p.keyboard.press("j");
    await p.keyboard.press("j");
    expect(await p.getAttribute("#queue .card.selected", "data-alert-id")).toBe(String(first));
    await p.keyboard.press("a");
    await p.waitForSelector(`.card[data-alert-id="${first}"][data-state=acknowledged]`, { timeout: 2000 });
    // Enter opens it; r goes to the note, Enter resolves (outcome "real" by default).
    await p.keyboard.press("Enter");
    await p.waitForSelector(`.view-alert[data-alert-id="${first}"][data-state=acknowledged]`);
    await p.keyboard.press("r");
    await p.keyboard.type("fell, helped up");
    await p.keyboard.press("Enter");
    await p.waitForSelector(`.view-alert[data-alert-id="${first}"][data-state=resolved]`, { timeout: 2000 });
    const resolved = (await sys.api<AlertView>("GET", `/api/alerts/${first}`)).body;
    expect(resolved).toMatchObject({ state: "resolved", outcome: "real", note: "fell, helped up", acknowledgedBy: "Dispatcher Zhang" });
    // Esc back to the queue: only the fire alarm is left. L switches to Chinese.
    await p.keyboard.press("Escape");
    await p.waitForFunction((id) => Array.from(document.querySelectorAll<HTMLElement>("#queue .card"), (c) => c.dataset.alertId).join() === String(id), second);
    await p.keyboard.press("L");
    await p.waitForFunction(() => document.querySelector("#queue .card .card-kind")?.textContent === "火警");
    expect(await p.textContent("#count-unclaimed span")).toBe("未认领");
  });
});
