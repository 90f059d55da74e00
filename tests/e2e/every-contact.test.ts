/**
 * Every bound contact learns of every alarm: one whose alarm text
 * had not gone out when the alert was claimed or cancelled gets one text with both facts; an upgrade
 * reaches everyone at once; SMS replies are matched to the alarm they name.
 */
import twilio from "twilio";
import { afterEach, expect, it } from "vitest";
import type { AlertView } from "@helpkey/shared";
import { createHousehold } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem | undefined;
afterEach(async () => {
  await sys?.close();
  sys = undefined;
});

const textsTo = (phone: string, alertId: number) => sys!.phone!.messages.filter((m) => m.to === phone && m.body.includes(`#${alertId}`)).map((m) => m.body);
/** Nothing left to send to `phone` about the alert: every row of it was handed to the provider (or withdrawn). */
const settled = (phone: string, alertId: number) =>
  (sys!.ctx.db.$client.prepare("SELECT count(*) AS n FROM notifications WHERE alert_id = ? AND to_phone = ? AND status IN ('queued', 'sending')").get(alertId, phone) as { n: number }).n === 0;
const alertOf = async (id: number) => (await sys!.api<AlertView>("GET", `/api/alerts/${id}`)).body;

it("claimed before the second contact's text went out: she gets one text with the alarm and who is on the way", async () => {
  // one SMS every 4 s: the son's alarm text waits behind the daughter's while she answers and presses 1
  sys = await startTestSystem({ rates: { smsPerSecond: 0.25, callsPerSecond: 50, maxInFlight: 20 } });
  const home = await createHousehold(sys.api, {
    room: "302", resident: "Grandma Li",
    contacts: [{ name: "Daughter Wang", phone: "+8613800260001", priority: 1 }, { name: "Son Wang", phone: "+8613800260002", priority: 2 }],
  });
  sys.phone!.setPerson("+8613800260001", { answerAfterS: 0.1, press: "1", pressAfterS: 0.1 });
  sys.phone!.setPerson("+8613800260002", { never: true });
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  try {
    const acked = await device.waitForAck(device.press().seq, "acknowledged", 10_000);
    const son = "+8613800260002";
    await waitFor(() => textsTo(son, acked.alertId).length >= 1 && settled(son, acked.alertId), 15_000, "the son's text sent");
    const texts = textsTo(son, acked.alertId);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(new RegExp(`^\\[helpkey\\] emergency from Grandma Li at \\d\\d:\\d\\d: .*room 302\\. Daughter Wang is on the way \\(\\d\\d:\\d\\d\\)\\. #${acked.alertId}$`));
  } finally {
    await device.close();
  }
}, 30_000);

it("cancelled by a dispatcher before the second contact's text went out: one text with the alarm and who cancelled it", async () => {
  sys = await startTestSystem({ rates: { smsPerSecond: 0.25, callsPerSecond: 50, maxInFlight: 20 } });
  const home = await createHousehold(sys.api, {
    resident: "Grandma Li",
    contacts: [{ name: "Daughter Wang", phone: "+8613800270001", priority: 1 }, { name: "Son Wang", phone: "+8613800270002", priority: 2 }],
  });
  for (const p of ["+8613800270001", "+8613800270002"]) sys.phone!.setPerson(p, { never: true });
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  try {
    const { alertId } = await device.waitForAck(device.press().seq, "received", 5000);
    await waitFor(() => textsTo("+8613800270001", alertId).length === 1, 5000, "the daughter's alarm text");
    expect((await sys.api("POST", `/api/alerts/${alertId}/cancel`, { by: "Li" })).status).toBe(200);
    const son = "+8613800270002";
    await waitFor(() => textsTo(son, alertId).length >= 1 && settled(son, alertId), 15_000, "the son's text sent");
    expect(textsTo(son, alertId)).toEqual([expect.stringMatching(/^\[helpkey\] emergency from Grandma Li at \d\d:\d\d: .*It was cancelled by the community centre \(dispatcher Li\); no need to go\./)]);
    await waitFor(() => textsTo("+8613800270001", alertId).length === 2, 10_000, "the daughter's cancellation");
    expect(textsTo("+8613800270001", alertId)[1]).toBe(`[helpkey] Alert #${alertId} was cancelled by the community centre (dispatcher Li); no need to go.`);
  } finally {
    await device.close();
  }
}, 30_000);

it("a service request raised to an emergency: every contact gets the emergency's alarm and the first wave is called now", async () => {
  sys = await startTestSystem();
  const home = await createHousehold(sys.api, {
    // no quiet hours: the service text goes out whatever the hour of the run
    policy: { quietHours: null },
    contacts: [
      { name: "Daughter", phone: "+8613800280001", priority: 1 },
      { name: "Grid worker Chen", phone: "+8613800280002", priority: 3, relation: "grid worker" },
    ],
  });
  for (const p of ["+8613800280001", "+8613800280002"]) sys.phone!.setPerson(p, { never: true });
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  try {
    const service = await device.waitForAck(device.press({ kind: "service" }).seq, "received", 5000);
    await waitFor(() => sys!.phone!.messages.length === 1, 5000, "the grid worker's text");
    expect(sys.phone!.messages[0]!.to).toBe("+8613800280002");
    const upgraded = await device.waitForAck(device.press({ kind: "emergency" }).seq, "received", 5000);
    expect(upgraded.alertId).toBe(service.alertId);
    expect(await alertOf(service.alertId)).toMatchObject({ kind: "emergency", priority: 3, state: "open", pressCount: 2 });
    await waitFor(() => textsTo("+8613800280001", service.alertId).length === 1 && textsTo("+8613800280002", service.alertId).length === 2, 5000, "the emergency's alarm to both");
    for (const p of ["+8613800280001", "+8613800280002"]) expect(textsTo(p, service.alertId).at(-1)).toMatch(new RegExp(`emergency from .* Reply 1 #${service.alertId} if you are going\\.`));
    await waitFor(() => sys!.phone!.calls.some((c) => c.to === "+8613800280001"), 5000, "the first wave's call");
  } finally {
    await device.close();
  }
});

it("an emergency raised to a fire: the alert's waiting texts move to the fire's priority", async () => {
  // one SMS every 5 s: after the first alarm text the others wait in the queue
  sys = await startTestSystem({ rates: { smsPerSecond: 0.2, callsPerSecond: 50, maxInFlight: 20 } });
  const home = await createHousehold(sys.api, {
    contacts: [1, 2, 3].map((i) => ({ name: `C${i}`, phone: `+861380029000${i}`, priority: i })),
  });
  for (const i of [1, 2, 3]) sys.phone!.setPerson(`+861380029000${i}`, { never: true });
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  try {
    const { alertId } = await device.waitForAck(device.press().seq, "received", 5000);
    const waiting = () => sys!.ctx.db.$client.prepare("SELECT priority, purpose FROM notifications WHERE alert_id = ? AND status = 'queued' AND channel = 'sms'").all(alertId) as { priority: number; purpose: string }[];
    await waitFor(() => waiting().length >= 2, 5000, "alarm texts waiting");
    expect(new Set(waiting().map((r) => r.priority))).toEqual(new Set([3]));
    await device.waitForAck(device.press({ kind: "fire" }).seq, "received", 5000);
    expect(await alertOf(alertId)).toMatchObject({ kind: "fire", priority: 1 });
    expect(waiting().length).toBeGreaterThanOrEqual(2);
    expect(new Set(waiting().map((r) => r.priority))).toEqual(new Set([1]));
  } finally {
    await device.close();
  }
});

async function inboundSms(from: string, body: string): Promise<number> {
  const path = "/twilio/sms-inbound";
  const params = { From: from, To: "+10000000000", Body: body };
  const res = await fetch(`${sys!.httpUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilio.getExpectedTwilioSignature(sys!.phone!.authToken, `${sys!.publicUrl}${path}`, params) },
    body: new URLSearchParams(params).toString(),
  });
  await res.text();
  return res.status;
}

it("a contact of two households: a bare '1' gets a question back, never a guess; '1 #id' and '＃id １' claim the alarm they name", async () => {
  sys = await startTestSystem();
  const aunt = "+8613800300001";
  const mother = await createHousehold(sys.api, { resident: "Mother", contacts: [{ name: "Aunt Zhou", phone: aunt, priority: 1 }] });
  const father = await createHousehold(sys.api, { communityId: mother.communityId, resident: "Father", contacts: [{ name: "Aunt Zhou", phone: aunt, priority: 1 }] });
  sys.phone!.setPerson(aunt, { never: true });
  const d1 = await connectSim(sys.mqttUrl, mother.device.id, mother.device.secret);
  const d2 = await connectSim(sys.mqttUrl, father.device.id, father.device.secret);
  try {
    const a = (await d1.waitForAck(d1.press().seq, "received", 5000)).alertId;
    const b = (await d2.waitForAck(d2.press().seq, "received", 5000)).alertId;
    await waitFor(() => textsTo(aunt, a).length === 1 && textsTo(aunt, b).length === 1, 5000, "both alarm texts");
    expect(textsTo(aunt, a)[0]).toContain(`Reply 1 #${a} if you are going.`);

    expect(await inboundSms(aunt, "1")).toBe(200);
    const question = await waitFor(() => sys!.phone!.messages.find((m) => m.to === aunt && m.body.includes("You have 2 alarms")), 5000, "the question");
    expect(question.body).toBe(`[helpkey] You have 2 alarms: reply 1 #${a} or 1 #${b}`);
    expect((await alertOf(a)).state).toBe("open");
    expect((await alertOf(b)).state).toBe("open");

    expect(await inboundSms(aunt, `1 #${b}`)).toBe(200);
    expect(await alertOf(b)).toMatchObject({ state: "acknowledged", goingBy: "Aunt Zhou", goingVia: "sms" });
    expect((await alertOf(a)).state).toBe("open");
    expect(await inboundSms(aunt, `＃${a} １`)).toBe(200);
    expect(await alertOf(a)).toMatchObject({ state: "acknowledged", goingBy: "Aunt Zhou" });
  } finally {
    await d1.close();
    await d2.close();
  }
});
