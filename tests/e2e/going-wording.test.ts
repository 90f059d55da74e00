/**
 * "Going" is said only of a person on the way: a contact's 1 on the
 * call or by SMS, a patrol member's "on my way". A dispatcher's acknowledge (or dispatch) tells the
 * device and the contacts that the community centre has the alarm and is handling it, by name.
 * Each case checks what the resident's device shows and what the other contacts are texted.
 */
import { afterEach, expect, it } from "vitest";
import type { AckPayload, AlertView } from "@helpkey/shared";
import { createHousehold } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

/** Words that say someone is coming. */
const GOING = /going|on the way|coming|前往|赶来/i;
/** The alarm text itself invites a reply ("Reply 1 #12 if you are going"): only what follows it is checked. */
const isAlarm = (body: string) => /Reply 1 #|回复 1 #/.test(body);

let sys: TestSystem | undefined;
afterEach(async () => {
  await sys?.close();
  sys = undefined;
});

const textsTo = (phone: string, alertId: number) => sys!.phone!.messages.filter((m) => m.to === phone && m.body.includes(`#${alertId}`)).map((m) => m.body);

it("a dispatcher's acknowledge: the device and the contacts hear the community centre has it, never that anyone is going", async () => {
  sys = await startTestSystem();
  const home = await createHousehold(sys.api, {
    resident: "Grandma Li",
    contacts: [{ name: "Daughter Wang", phone: "+8613800220001", priority: 1 }, { name: "Neighbour Liu", phone: "+8613800220002", priority: 2, language: "zh-CN" }],
  });
  for (const p of ["+8613800220001", "+8613800220002"]) sys.phone!.setPerson(p, { never: true });
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  try {
    const { seq } = device.press();
    const { alertId } = await device.waitForAck(seq, "received", 5000);
    await waitFor(() => textsTo("+8613800220001", alertId).length === 1 && textsTo("+8613800220002", alertId).length === 1, 5000, "both alarm texts");
    const acked = device.waitForAck(seq, "acknowledged", 5000);
    expect((await sys.api("POST", `/api/alerts/${alertId}/acknowledge`, { by: "Li" })).status).toBe(200);
    expect((await acked).text).toBe("The community centre has your alarm and is handling it (dispatcher Li)");

    await waitFor(() => textsTo("+8613800220001", alertId).length === 2 && textsTo("+8613800220002", alertId).length === 2, 5000, "the follow-up texts");
    expect(textsTo("+8613800220001", alertId)[1]).toBe(`[helpkey] #${alertId}: the community centre (dispatcher Li) has Grandma Li's alarm and is handling it.`);
    expect(textsTo("+8613800220002", alertId)[1]).toBe(`【一键呼救】#${alertId} 社区中心（调度员Li）已收到Grandma Li的求助，正在处理。`);
    for (const body of sys.phone!.messages.map((m) => m.body).filter((b) => !isAlarm(b))) expect(body).not.toMatch(GOING);
    const a = (await sys.api<AlertView>("GET", `/api/alerts/${alertId}`)).body;
    expect(a).toMatchObject({ state: "acknowledged", acknowledgedBy: "Li", goingBy: null, goingVia: null });
  } finally {
    await device.close();
  }
});

it("a contact's key 1: the device says who is on the way and since when; the others are told", async () => {
  sys = await startTestSystem();
  const home = await createHousehold(sys.api, {
    contacts: [{ name: "Daughter Wang", phone: "+8613800230001", priority: 1 }, { name: "Son Wang", phone: "+8613800230002", priority: 2 }],
  });
  sys.phone!.setPerson("+8613800230001", { answerAfterS: 0.3, press: "1", pressAfterS: 0.2 });
  sys.phone!.setPerson("+8613800230002", { never: true });
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  try {
    const { seq } = device.press();
    const acked = await device.waitForAck(seq, "acknowledged", 10_000);
    expect(acked.by).toBe("Daughter Wang");
    expect(acked.text).toMatch(/^Daughter Wang is on the way \(\d\d:\d\d\)$/);
    const a = (await sys.api<AlertView>("GET", `/api/alerts/${acked.alertId}`)).body;
    expect(a).toMatchObject({ state: "acknowledged", goingBy: "Daughter Wang", goingVia: "key" });
    const told = await waitFor(() => textsTo("+8613800230002", acked.alertId).find((b) => !isAlarm(b)), 5000, "Son told");
    expect(told).toMatch(/Daughter Wang is on the way .*\(\d\d:\d\d\)/);
  } finally {
    await device.close();
  }
});

it("a contact's SMS reply: the same, recorded as going by SMS", async () => {
  sys = await startTestSystem();
  const home = await createHousehold(sys.api, {
    contacts: [{ name: "Texter", phone: "+8613800240001", priority: 1 }, { name: "Other", phone: "+8613800240002", priority: 2 }],
  });
  sys.phone!.setPerson("+8613800240001", { never: true, replySms: "1", replyAfterS: 0.2 });
  sys.phone!.setPerson("+8613800240002", { never: true });
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  try {
    const acked = await device.waitForAck(device.press().seq, "acknowledged", 10_000);
    expect(acked).toMatchObject({ by: "Texter" });
    expect(acked.text).toMatch(/^Texter is on the way \(\d\d:\d\d\)$/);
    expect((await sys.api<AlertView>("GET", `/api/alerts/${acked.alertId}`)).body).toMatchObject({ goingBy: "Texter", goingVia: "sms" });
    const told = await waitFor(() => textsTo("+8613800240002", acked.alertId).find((b) => !isAlarm(b)), 5000, "Other told");
    expect(told).toMatch(/Texter is on the way .*\(\d\d:\d\d\)/);
  } finally {
    await device.close();
  }
});

it("a patrol member: the dispatch is the centre handling it; their 'on my way' is someone going", async () => {
  sys = await startTestSystem();
  const home = await createHousehold(sys.api, { contacts: [{ name: "Daughter", phone: "+8613800250001", priority: 1 }] });
  sys.phone!.setPerson("+8613800250001", { never: true });
  const zhao = "+8613800250009";
  const member = await sys.api<{ id: number }>("POST", "/api/patrol", { communityId: home.communityId, name: "Patrol Zhao", phone: zhao, language: "en" });
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  try {
    const { seq } = device.press();
    const { alertId } = await device.waitForAck(seq, "received", 5000);
    await waitFor(() => textsTo("+8613800250001", alertId).length === 1, 5000, "the alarm text");
    const dispatched = device.waitForAck(seq, "responding", 5000);
    expect((await sys.api("POST", `/api/alerts/${alertId}/dispatch-patrol`, { patrolMemberId: member.body.id })).status).toBe(201);
    const d = await dispatched;
    expect(d.text).toBe("The community centre has alerted the patrol and is handling it (dispatcher admin)");
    const link = await waitFor(() => /\/r\/(\S+)$/.exec(sys!.phone!.messages.find((m) => m.to === zhao)?.body ?? "")?.[1], 5000, "the patrol's link");

    const onWay = new Promise<AckPayload>((resolve) => device.on("ack", (a) => a.by === "Patrol Zhao" && resolve(a)));
    expect((await fetch(`${sys.httpUrl}/api/responder/${link}/on-way`, { method: "POST" })).status).toBe(200);
    expect((await onWay).text).toMatch(/^Patrol Zhao is on the way \(\d\d:\d\d\)$/);
    expect((await sys.api<AlertView>("GET", `/api/alerts/${alertId}`)).body).toMatchObject({ state: "responding", goingBy: "Patrol Zhao", goingVia: "patrol" });

    // the daughter: the alarm, then "the centre has it" at the dispatch, then who is on the way
    await waitFor(() => textsTo("+8613800250001", alertId).length === 3, 5000, "the daughter's three texts");
    const [, handling, going] = textsTo("+8613800250001", alertId);
    expect(handling).toContain("the community centre (dispatcher admin) has");
    expect(handling).not.toMatch(GOING);
    expect(going).toMatch(/Patrol Zhao is on the way .*\(\d\d:\d\d\)/);
  } finally {
    await device.close();
  }
});
