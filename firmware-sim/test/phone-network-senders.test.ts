/**
 * The emulator as Twilio takes a sender and refuses a request: MessagingServiceSid in place of
 * From (validated like Twilio: MG and 32 hex digits, error 21705), no rate enforced (Twilio queues
 * instead of refusing), and failNext() aimed at one kind of request or one number.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import twilio from "twilio";
import { createTwilioClient } from "../../gateway/src/notify/twilio-client";
import { createPhoneNetwork, newSid, type PhoneNetwork } from "../src/phone-network/index";

const accountSid = newSid("AC");
const authToken = "test-token-senders";
const SERVICE = "MG0123456789abcdef0123456789abcdef";
let net: PhoneNetwork;
let client: twilio.Twilio;

beforeAll(async () => {
  net = await createPhoneNetwork({ accountSid, authToken, defaultPerson: { never: true } });
  client = createTwilioClient({ accountSid, authToken, apiUrl: net.url });
});
afterAll(() => net.close());

async function rejection(p: Promise<unknown>): Promise<InstanceType<typeof twilio.RestException>> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(twilio.RestException);
  return err as InstanceType<typeof twilio.RestException>;
}

describe("Messaging Service", () => {
  it("takes MessagingServiceSid instead of From: accepted, answered with the service and no From yet", async () => {
    const m = await client.messages.create({ to: "+8613800138100", messagingServiceSid: SERVICE, body: "求助" });
    expect(m).toMatchObject({ status: "accepted", messagingServiceSid: SERVICE, from: null });
    expect(net.messages.find((x) => x.sid === m.sid)).toMatchObject({ messagingServiceSid: SERVICE, from: SERVICE, to: "+8613800138100" });
  });

  it("refuses a malformed service sid (21705), and a text with neither From nor a service (21603)", async () => {
    expect((await rejection(client.messages.create({ to: "+8613800138101", messagingServiceSid: "MG123", body: "x" }))).code).toBe(21705);
    expect((await rejection(client.messages.create({ to: "+8613800138101", body: "x" } as never))).code).toBe(21603);
  });

  it("enforces no rate: twenty texts at once from one sender are all accepted", async () => {
    const sent = await Promise.all(Array.from({ length: 20 }, (_, i) => client.messages.create({ to: `+86138001382${String(i).padStart(2, "0")}`, from: "+15550000001", body: "burst" })));
    expect(sent.every((m) => m.status === "queued")).toBe(true);
  });
});

describe("failNext aimed at a request", () => {
  it("fails only the requests it names: by kind (sms, call, call-update) and by To", async () => {
    net.failNext(1, { status: 503 }, { request: "sms", to: "+8613800138301" });
    net.failNext(1, { status: 429, code: 20429 }, { request: "call-update" });
    // another number's text and a new call pass
    expect((await client.messages.create({ to: "+8613800138302", from: "+15550000001", body: "ok" })).sid).toMatch(/^SM/);
    const call = await client.calls.create({ to: "+8613800138303", from: "+15550000001", url: "http://127.0.0.1:9/voice" });
    expect(call.sid).toMatch(/^CA/);
    expect((await rejection(client.messages.create({ to: "+8613800138301", from: "+15550000001", body: "x" }))).status).toBe(503);
    expect((await client.messages.create({ to: "+8613800138301", from: "+15550000001", body: "again" })).sid).toMatch(/^SM/);
    expect((await rejection(client.calls(call.sid).update({ status: "completed" }))).code).toBe(20429);
    expect((await client.calls(call.sid).update({ status: "completed" })).status).toBe("canceled");
  });
});
