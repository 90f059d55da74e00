/**
 * Senders as Twilio provides them, against the phone-network emulator as a Twilio-compatible server
 * (HK_TWILIO_API_URL): several From numbers (TWILIO_FROM, comma-separated) used in turn for texts
 * and calls, each row recording its sender; or a Messaging Service (TWILIO_MESSAGING_SERVICE_SID) for
 * the texts, at the per-sender rate times its pool (HK_SMS_SENDERS). Each sender's own rate is
 * tested on the pool itself (gateway/test/outbox-limits.test.ts).
 */
import { afterEach, expect, it } from "vitest";
import { createPhoneNetwork, type PhoneNetwork } from "@helpkey/firmware-sim/phone-network";
import type { OutboxBacklog } from "@helpkey/shared";
import { createHousehold } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

const ACCOUNT = "AC00000000000000000000000000000000"; // the gateway's account for a compatible server
const TOKEN = "senders-test-token";
const FROM = ["+15550100001", "+15550100002", "+15550100003"];
const SERVICE = "MG0123456789abcdef0123456789abcdef";

let sys: TestSystem | undefined;
let net: PhoneNetwork | undefined;
afterEach(async () => {
  await sys?.close();
  await net?.close();
  sys = net = undefined;
});

async function start(env: Record<string, string>): Promise<{ sys: TestSystem; net: PhoneNetwork }> {
  net = await createPhoneNetwork({ accountSid: ACCOUNT, authToken: TOKEN, defaultPerson: { never: true } });
  sys = await startTestSystem({ env: { HK_TWILIO_API_URL: net.url, TWILIO_AUTH_TOKEN: TOKEN, ...env }, rates: { smsPerSecond: 5, callsPerSecond: 5, maxInFlight: 20 } });
  return { sys, net };
}

/** Two households of three contacts each press: six alarm texts, two first calls. */
async function storm(s: TestSystem): Promise<void> {
  const first = await createHousehold(s.api, { contacts: [1, 2, 3].map((p) => ({ name: `A${p}`, phone: `+861398880000${p}`, priority: p })) });
  const second = await createHousehold(s.api, { communityId: first.communityId, contacts: [1, 2, 3].map((p) => ({ name: `B${p}`, phone: `+861398880001${p}`, priority: p })) });
  for (const h of [first, second]) {
    const d = await connectSim(s.mqttUrl, h.device.id, h.device.secret);
    await d.waitForAck(d.press().seq, "received", 5000);
    await d.close();
  }
}

const senderRows = (s: TestSystem, channel: string) =>
  s.ctx.db.$client.prepare("SELECT to_phone AS toPhone, sender FROM notifications WHERE channel = ? ORDER BY id").all(channel) as { toPhone: string; sender: string }[];

it("texts and calls go out from the From numbers in turn, and each row records its sender", async () => {
  const { sys: s, net: phone } = await start({ TWILIO_FROM: FROM.join(",") });
  await storm(s);
  await waitFor(() => phone.messages.length === 6 && phone.calls.length === 2, 10_000, "six texts and two calls");
  const count = (xs: string[]) => FROM.map((f) => xs.filter((x) => x === f).length);
  expect(count(phone.messages.map((m) => m.from))).toEqual([2, 2, 2]);
  // calls have a rotation of their own (one limit for the account): the first two numbers
  expect(phone.calls.map((c) => c.from).sort()).toEqual([FROM[0], FROM[1]]);
  for (const [channel, sent] of [["sms", phone.messages], ["call", phone.calls]] as const) {
    for (const r of senderRows(s, channel)) expect(r.sender).toBe(sent.find((m) => m.to === r.toPhone)!.from);
  }
});

it("a Messaging Service sends the texts (MessagingServiceSid), at the per-sender rate times its pool; calls still use the From number", async () => {
  const { sys: s, net: phone } = await start({ TWILIO_FROM: FROM[0]!, TWILIO_MESSAGING_SERVICE_SID: SERVICE, HK_SMS_SENDERS: "3" });
  await storm(s);
  await waitFor(() => phone.messages.length === 6 && phone.calls.length === 2, 10_000, "six texts and two calls");
  expect(phone.messages.every((m) => m.messagingServiceSid === SERVICE)).toBe(true);
  expect(phone.calls.map((c) => c.from)).toEqual([FROM[0], FROM[0]]);
  expect(new Set(senderRows(s, "sms").map((r) => r.sender))).toEqual(new Set([SERVICE]));
  const backlog = (await s.api<OutboxBacklog>("GET", "/api/board/outbox")).body;
  expect(backlog.channels.find((c) => c.channel === "sms")!.ratePerS).toBe(15);
  expect(backlog.channels.find((c) => c.channel === "call")!.ratePerS).toBe(5);
});
