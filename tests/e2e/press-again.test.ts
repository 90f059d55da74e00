/**
 * A press after someone claimed or acknowledged the alert is never silent: the person on the way is
 * told, the console sounds again, and with nobody on site it counts as the arrival timer firing now
 * (the person on the way is asked, or the alert reopens and the cascade resumes).
 */
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { AckPayload, AlertView } from "@helpkey/shared";
import { createUser, launchBrowser, openConsolePage } from "../helpers/browser";
import { createHousehold } from "../helpers/community";
import { openConsole, type ConsoleClient } from "../helpers/console-client";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

const A = "+8613800320001";
const B = "+8613800320002";
const SUPERVISOR = "+8613900320009";

let browser: Browser;
let sys: TestSystem | undefined;
let consoleWs: ConsoleClient | undefined;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await consoleWs?.close();
  await sys?.close();
  sys = undefined;
  consoleWs = undefined;
});

async function start(claimByA: boolean) {
  sys = await startTestSystem();
  const home = await createHousehold(sys.api, {
    resident: "Grandma Li", supervisorPhone: SUPERVISOR,
    policy: { ringTimeoutS: 2, waveTimeoutS: 5, supervisorAfterS: 3600 },
    contacts: [{ name: "Daughter Wang", phone: A, priority: 1 }, { name: "Son Wang", phone: B, priority: 2 }],
  });
  sys.phone!.setPerson(A, claimByA ? { answerAfterS: 0.2, press: "1", pressAfterS: 0.2 } : { never: true });
  sys.phone!.setPerson(B, { never: true });
  sys.phone!.setPerson(SUPERVISOR, { never: true });
  consoleWs = await openConsole(sys.httpUrl);
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  return { home, device };
}

it("pressed again after a contact's claim, nobody on site: she is told and asked, the console hears it; unanswered, the cascade resumes", async () => {
  const { device } = await start(true);
  try {
    const { alertId } = await device.waitForAck(device.press().seq, "acknowledged", 10_000);
    sys!.phone!.setPerson(A, { never: true }); // she does not pick up when asked
    const again = device.press();
    expect((await device.waitForAck(again.seq, "received", 5000)).alertId).toBe(alertId);
    const pressed = await consoleWs!.waitFor((f) => f.type === "alert.pressed", 5000);
    expect(pressed.type === "alert.pressed" && pressed.alert?.pressCount).toBe(2);
    const overdue = await consoleWs!.waitFor((f) => f.type === "alert.overdue", 5000);
    expect(overdue.type === "alert.overdue" && overdue.alert?.overdueAt).toEqual(expect.any(Number));
    const told = await waitFor(() => sys!.phone!.messages.find((m) => m.to === A && m.body.includes("pressed again")), 5000, "A told");
    expect(told.body).toMatch(/Grandma Li pressed again at \d\d:\d\d\. You said at \d\d:\d\d you were going; .*press 1 if you are with Grandma Li, 2 if you cannot go\./);
    // the confirm call rings out: back to open, the next wave and the supervisor are called
    await consoleWs!.waitFor((f) => f.type === "alert.reopened", 10_000);
    await waitFor(() => sys!.phone!.calls.some((c) => c.to === B) && sys!.phone!.calls.some((c) => c.to === SUPERVISOR), 5000, "B and the supervisor called");
    expect((await sys!.api<AlertView>("GET", `/api/alerts/${alertId}`)).body).toMatchObject({ state: "open", pressCount: 2 });
  } finally {
    await device.close();
  }
});

it("pressed again after a dispatcher's acknowledge, nobody on site: reopened at once", async () => {
  const { device } = await start(false);
  try {
    const { seq } = device.press();
    const { alertId } = await device.waitForAck(seq, "received", 5000);
    expect((await sys!.api("POST", `/api/alerts/${alertId}/acknowledge`, { by: "Li" })).status).toBe(200);
    const reopenedAck = new Promise<AckPayload>((resolve) => device.on("ack", (k) => k.text?.includes("calling others") && resolve(k)));
    device.press();
    await consoleWs!.waitFor((f) => f.type === "alert.reopened", 5000);
    expect((await reopenedAck).state).toBe("received");
    await waitFor(() => sys!.phone!.calls.some((c) => c.to === SUPERVISOR), 5000, "the supervisor called");
  } finally {
    await device.close();
  }
});

it("pressed again with someone on site: the one who claimed it is told and the console sounds until someone is confirmed on site again", async () => {
  const { home, device } = await start(true);
  const login = await createUser(sys!.api, { name: "Dispatcher Zhang", communityIds: [home.communityId] });
  const con = await openConsolePage(browser, sys!.httpUrl, login);
  try {
    const { alertId } = await device.waitForAck(device.press().seq, "acknowledged", 10_000);
    expect((await sys!.api("POST", `/api/alerts/${alertId}/arrive`, {})).status).toBe(200);
    await con.page.waitForSelector("body[data-sound=off]");
    await device.waitForAck(device.press().seq, "received", 5000);
    const told = await waitFor(() => sys!.phone!.messages.find((m) => m.to === A && m.body.includes("pressed again")), 5000, "A told");
    expect(told.body).toMatch(/^\[helpkey\] #\d+: Grandma Li pressed again at \d\d:\d\d\. Please check on them\.$/);
    await con.page.waitForSelector("body[data-sound=on]");
    expect((await sys!.api<AlertView>("GET", `/api/alerts/${alertId}`)).body).toMatchObject({ state: "acknowledged", overdueAt: expect.any(Number) });
    // nobody is asked by phone: someone is there
    expect(sys!.phone!.calls.map((c) => c.to)).toEqual([A]);
    expect((await sys!.api("POST", `/api/alerts/${alertId}/arrive`, {})).status).toBe(200);
    await con.page.waitForSelector("body[data-sound=off]");
  } finally {
    await con.context.close();
    await device.close();
  }
});
