/**
 * The arrival timer: a claimed or acknowledged alert with nobody on
 * site after the arrival timeout returns to the console with sound and resumes the cascade. The
 * person on the way is asked first (an SMS and a call: 1 = with her, 2 = cannot go). The gateway's
 * clock is moved forward instead of waiting twenty minutes.
 */
import { afterEach, expect, it } from "vitest";
import type { AckPayload, AlertView, ConsoleEvent } from "@helpkey/shared";
import { createHousehold } from "../helpers/community";
import { openConsole, type ConsoleClient } from "../helpers/console-client";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

const A = "+8613800310001";
const B = "+8613800310002";
const SUPERVISOR = "+8613900310009";
const ARRIVAL_S = 600;

let sys: TestSystem | undefined;
let consoleWs: ConsoleClient | undefined;
let offset = 0;
afterEach(async () => {
  await consoleWs?.close();
  await sys?.close();
  sys = undefined;
  consoleWs = undefined;
});

type Detail = AlertView & { events: ConsoleEvent[] };
const detail = async (id: number) => (await sys!.api<Detail>("GET", `/api/alerts/${id}`)).body;

/** A's 1 claims it; B is the second wave; the supervisor's own timer is far away, so a call to them now is the reopen's. */
async function claimedByA(a: { press: "1" | "2" | null } | { never: true } | null) {
  offset = 0;
  sys = await startTestSystem({ now: () => Date.now() + offset });
  const home = await createHousehold(sys.api, {
    resident: "Grandma Li", supervisorPhone: SUPERVISOR,
    // a confirm window (ring + wave) far longer than any wait below: a reopen here is the answer's, not the window's
    policy: { arrivalTimeoutS: ARRIVAL_S, ringTimeoutS: 3, waveTimeoutS: 120, supervisorAfterS: 3600 },
    contacts: [{ name: "Daughter Wang", phone: A, priority: 1 }, { name: "Son Wang", phone: B, priority: 2 }],
  });
  sys.phone!.setPerson(B, { never: true });
  sys.phone!.setPerson(SUPERVISOR, { never: true });
  consoleWs = await openConsole(sys.httpUrl);
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  if (a) sys.phone!.setPerson(A, { answerAfterS: 0.2, press: "1", pressAfterS: 0.2 });
  const { seq } = device.press();
  const acked = a ? await device.waitForAck(seq, "acknowledged", 10_000) : await device.waitForAck(seq, "received", 5000);
  // the confirm call: what A does when asked
  if (a) sys.phone!.setPerson(A, "never" in a ? { never: true } : { answerAfterS: 0.2, press: a.press, pressAfterS: 0.3 });
  return { device, alertId: acked.alertId, seq };
}

it("nobody on site in time: overdue with sound, the person on the way is asked; 2 reopens it, the cascade resumes and the supervisor is called", async () => {
  const { device, alertId } = await claimedByA({ press: "2" });
  try {
    const reopenedAck = new Promise<AckPayload>((resolve) => device.on("ack", (k) => k.state === "received" && k.text?.includes("calling others") && resolve(k)));
    offset = (ARRIVAL_S + 1) * 1000;
    const overdue = await consoleWs!.waitFor((f) => f.type === "alert.overdue", 10_000);
    expect(overdue.type === "alert.overdue" && overdue.alert).toMatchObject({ state: "acknowledged", goingBy: "Daughter Wang", overdueAt: expect.any(Number) });
    const asked = await waitFor(() => sys!.phone!.messages.find((m) => m.to === A && m.body.includes("nobody has confirmed")), 5000, "A's SMS");
    expect(asked.body).toMatch(/You said at \d\d:\d\d you were going; nobody has confirmed being with Grandma Li\. We are calling you: press 1 if you are with Grandma Li, 2 if you cannot go\./);

    const reopened = await consoleWs!.waitFor((f) => f.type === "alert.reopened", 10_000);
    expect(reopened.type === "alert.reopened" && reopened.alert).toMatchObject({ state: "open", acknowledgedBy: null, goingBy: null, overdueAt: null });
    const confirm = sys!.phone!.calls.filter((c) => c.to === A)[1]!;
    expect(confirm.said.filter((t) => t.includes("Press 1 if you are with Grandma Li. Press 2 if you cannot go."))).not.toHaveLength(0);
    expect(confirm.digits).toBe("2");
    await waitFor(() => confirm.endedAt !== undefined, 5000, "the confirm call over");
    expect(confirm.said.at(-1)).toContain("we will find someone else to go");
    expect((await reopenedAck).text).toBe("Help requested: calling others");

    // the cascade goes on with the next wave, and the supervisor is called now (their own timer is an hour away)
    await waitFor(() => sys!.phone!.calls.some((c) => c.to === B) && sys!.phone!.calls.some((c) => c.to === SUPERVISOR), 5000, "B and the supervisor called");
    await waitFor(() => sys!.phone!.messages.some((m) => m.to === B && m.body.includes("still nobody is with Grandma Li")), 5000, "B told it needs someone");
    const d = await detail(alertId);
    expect(d.state).toBe("open");
    expect(d.events.map((e) => e.type)).toEqual(expect.arrayContaining(["alert.acknowledged", "alert.overdue", "alert.reopened"]));
    // the claim stays in the audit trail
    expect(d.events.find((e) => e.type === "alert.acknowledged")!.actor).toBe("Daughter Wang");
  } finally {
    await device.close();
  }
});

it("nobody on site in time and the person on the way presses 1 when asked: arrived, the timer is done", async () => {
  const { device, alertId } = await claimedByA({ press: "1" });
  try {
    offset = (ARRIVAL_S + 1) * 1000;
    await consoleWs!.waitFor((f) => f.type === "alert.overdue", 10_000);
    const arrived = await consoleWs!.waitFor((f) => f.type === "alert.arrived", 10_000);
    expect(arrived.type === "alert.arrived" && arrived.actor).toBe("Daughter Wang");
    expect(arrived.type === "alert.arrived" && arrived.alert).toMatchObject({ state: "acknowledged", arrivedAt: expect.any(Number), overdueAt: null });
    const confirm = sys!.phone!.calls.filter((c) => c.to === A)[1]!;
    await waitFor(() => confirm.endedAt !== undefined, 5000, "the confirm call over");
    expect(confirm.said.at(-1)).toContain("You are recorded as being with them");
    // someone is there: no timer left to bring it back, nobody else called
    expect(sys!.ctx.db.$client.prepare("SELECT arrival_due_at AS due, overdue_at AS overdue FROM alerts WHERE id = ?").get(alertId)).toEqual({ due: null, overdue: null });
    const d = await detail(alertId);
    expect(d.events.some((e) => e.type === "alert.reopened")).toBe(false);
    expect(sys!.phone!.calls.map((c) => c.to)).toEqual([A, A]);
  } finally {
    await device.close();
  }
});

it("a dispatcher's acknowledge with nobody on site in time: reopened at once, with the supervisor called", async () => {
  const { device, alertId } = await claimedByA(null);
  try {
    expect((await sys!.api("POST", `/api/alerts/${alertId}/acknowledge`, { by: "Li" })).status).toBe(200);
    offset = (ARRIVAL_S + 1) * 1000;
    const reopened = await consoleWs!.waitFor((f) => f.type === "alert.reopened", 10_000);
    expect(reopened.type === "alert.reopened" && reopened.alert).toMatchObject({ state: "open", acknowledgedBy: null });
    await waitFor(() => sys!.phone!.calls.some((c) => c.to === SUPERVISOR), 5000, "the supervisor called");
    expect(consoleWs!.frames.some((f) => f.type === "alert.overdue")).toBe(false);
  } finally {
    await device.close();
  }
});

it("a patrol member who arrives after the alert came back has it: claimed and on site", async () => {
  const { device, alertId } = await claimedByA(null);
  try {
    const zhao = "+8613800310005";
    const member = await sys!.api<{ id: number }>("POST", "/api/patrol", { communityId: (await sys!.api<AlertView>("GET", `/api/alerts/${alertId}`)).body.communityId, name: "Patrol Zhao", phone: zhao, language: "en" });
    expect((await sys!.api("POST", `/api/alerts/${alertId}/dispatch-patrol`, { patrolMemberId: member.body.id })).status).toBe(201);
    const link = await waitFor(() => /\/r\/(\S+)$/.exec(sys!.phone!.messages.find((m) => m.to === zhao)?.body ?? "")?.[1], 5000, "the patrol's link");
    offset = (ARRIVAL_S + 1) * 1000;
    await consoleWs!.waitFor((f) => f.type === "alert.reopened", 10_000);
    expect((await fetch(`${sys!.httpUrl}/api/responder/${link}/arrived`, { method: "POST" })).status).toBe(200);
    expect((await sys!.api<AlertView>("GET", `/api/alerts/${alertId}`)).body).toMatchObject({ state: "acknowledged", goingBy: "Patrol Zhao", arrivedAt: expect.any(Number) });
  } finally {
    await device.close();
  }
});
