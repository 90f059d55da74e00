/** Twilio webhooks verify X-Twilio-Signature; a retried callback changes nothing twice. */
import twilio from "twilio";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { NotificationView } from "@helpkey/shared";
import { createHousehold } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem;
beforeEach(async () => {
  sys = await startTestSystem();
});
afterEach(async () => {
  await sys.close();
});

async function post(path: string, params: Record<string, string>, signature?: string) {
  const res = await fetch(`${sys.httpUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(signature !== undefined ? { "x-twilio-signature": signature } : {}) },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, text: await res.text() };
}
const sign = (path: string, params: Record<string, string>, token = sys.phone!.authToken) => twilio.getExpectedTwilioSignature(token, `${sys.publicUrl}${path}`, params);

it("refuses a wrong or missing signature with 403 and no change; the same valid callback twice has one effect", async () => {
  const home = await createHousehold(sys.api, { contacts: [{ name: "Never", phone: "+8613888880001", priority: 1 }] });
  sys.phone!.setPerson("+8613888880001", { never: true });
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  const ack = await device.waitForAck(device.press().seq, "received", 5000);
  await device.close();
  // The phone network's own callbacks (the call ringing, the text delivered) change the alert's rows
  // and events on their own: wait for them, so that the snapshots below differ only by the test's requests.
  const call = await waitFor(async () => {
    const ns = (await sys.api<{ notifications: NotificationView[] }>("GET", `/api/alerts/${ack.alertId}`)).body.notifications;
    return ns.some((n) => n.channel === "sms" && n.status === "delivered") ? ns.find((n) => n.channel === "call" && n.providerSid && n.status === "ringing") : undefined;
  }, 5000, "call placed and ringing, the text delivered");
  const snapshot = async () => (await sys.api<{ notifications: NotificationView[]; events: unknown[] }>("GET", `/api/alerts/${ack.alertId}`)).body;

  const path = `/twilio/gather/${call.id}`;
  const params = { CallSid: call.providerSid!, Digits: "1", From: "+10000000000", To: "+8613888880001" };
  const before = await snapshot();
  expect((await post(path, params)).status).toBe(403);
  expect((await post(path, params, "bm90LWEtc2lnbmF0dXJl")).status).toBe(403);
  expect((await post(path, params, sign(path, params, "the-wrong-token"))).status).toBe(403);
  expect((await post(path, { ...params, Digits: "2" }, sign(path, params))).status).toBe(403); // tampered body
  const after = await snapshot();
  expect(after.events).toEqual(before.events);
  expect((await sys.api("GET", `/api/alerts/${ack.alertId}`)).body.state).toBe("open");

  const first = await post(path, params, sign(path, params));
  expect(first.status).toBe(200);
  expect(first.text).toContain("<Say");
  const once = await snapshot();
  const second = await post(path, params, sign(path, params));
  expect(second.status).toBe(200);
  const twice = await snapshot();
  expect(twice.events).toEqual(once.events);
  expect(twice.notifications).toEqual(once.notifications);
  expect((await sys.api("GET", `/api/alerts/${ack.alertId}`)).body).toMatchObject({ state: "acknowledged", acknowledgedBy: "Never" });

  // A status callback retried: one event.
  const statusPath = `/twilio/call-status/${call.id}`;
  const sp = { CallSid: call.providerSid!, CallStatus: "completed" };
  expect((await post(statusPath, sp, sign(statusPath, sp))).status).toBe(204);
  const s1 = await snapshot();
  expect((await post(statusPath, sp, sign(statusPath, sp))).status).toBe(204);
  expect((await snapshot()).events).toEqual(s1.events);
});
