import { request } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import twilio from "twilio";
import { createTwilioClient } from "../../gateway/src/notify/twilio-client";
import { createPhoneNetwork, newSid, type PhoneNetwork, type RecordedCall } from "../src/phone-network/index";
import { startWebhookServer, type WebhookServer } from "./webhook-server";

const accountSid = newSid("AC");
const authToken = "test-token-0123456789";
const FROM = "+8610000000000";
let net: PhoneNetwork;
let hooks: WebhookServer;
let client: twilio.Twilio;

beforeAll(async () => {
  hooks = await startWebhookServer(authToken);
  net = await createPhoneNetwork({ accountSid, authToken, speed: 10, inboundSmsUrl: `${hooks.url}/sms-in` });
  client = createTwilioClient({ accountSid, authToken, apiUrl: net.url });
  hooks.on("/voice", () => {
    const r = new twilio.twiml.VoiceResponse();
    const g = r.gather({ input: ["dtmf"], numDigits: 1, action: "/gather?alert=12", timeout: 5 });
    g.say({ language: "zh-CN", voice: "Polly.Zhiyu" }, "紧急求助，按1表示您会前往");
    r.say({ language: "zh-CN" }, "未收到按键");
    return r.toString();
  });
  hooks.on("/gather", (hit) => {
    const r = new twilio.twiml.VoiceResponse();
    r.say({ language: "zh-CN" }, hit.params.Digits === "1" ? "谢谢，已通知家人" : "好的");
    r.hangup();
    return r.toString();
  });
});
afterAll(async () => {
  await net.close();
  await hooks.close();
});
afterEach(() => {
  hooks.hits.length = 0;
});

async function rejection(p: Promise<unknown>): Promise<InstanceType<typeof twilio.RestException>> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(twilio.RestException);
  return err as InstanceType<typeof twilio.RestException>;
}

const callArgs = (to: string, extra: Record<string, unknown> = {}) => ({
  to, from: FROM, url: `${hooks.url}/voice`, method: "POST", timeout: 25,
  statusCallback: `${hooks.url}/status`, statusCallbackMethod: "POST",
  statusCallbackEvent: ["initiated", "ringing", "answered", "completed"],
  ...extra,
});

const ended = (sid: string) => () => net.calls.find((c) => c.sid === sid && c.endedAt !== undefined);
const hitsAt = (path: string, sid: string) => hooks.hits.filter((h) => h.path === path && h.params.CallSid === sid);

describe("phone network via the real twilio SDK", () => {
  it("accepts an SMS: 201, SM sid, recorded, delivery callbacks signed", async () => {
    const m = await client.messages.create({ to: "+8613800138000", from: FROM, body: "王奶奶按了求助键", statusCallback: `${hooks.url}/sms-status` });
    expect(m.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(m.status).toBe("queued");
    expect(m.dateCreated).toBeInstanceOf(Date);
    expect(net.messages.at(-1)).toMatchObject({ sid: m.sid, to: "+8613800138000", from: FROM, body: "王奶奶按了求助键" });
    await net.waitFor(() => hooks.hits.some((h) => h.path === "/sms-status" && h.params.MessageStatus === "delivered"), 3000);
    const statuses = hooks.hits.filter((h) => h.path === "/sms-status");
    expect(statuses.map((h) => h.params.MessageStatus)).toEqual(["sent", "delivered"]);
    expect(statuses.every((h) => h.validSignature && h.params.MessageSid === m.sid)).toBe(true);
    const fetched = await client.messages(m.sid).fetch();
    expect(fetched.status).toBe("delivered");
  });

  it("rejects wrong credentials with 401", async () => {
    const bad = createTwilioClient({ accountSid, authToken: "wrong", apiUrl: net.url });
    const err = await rejection(bad.messages.create({ to: "+8613800138000", from: FROM, body: "x" }));
    expect(err.status).toBe(401);
    expect(err.code).toBe(20003);
  });

  it("rejects an invalid number with 21211", async () => {
    net.setPerson("+8613900000000", { invalid: true });
    const err = await rejection(client.messages.create({ to: "+8613900000000", from: FROM, body: "x" }));
    expect(err.status).toBe(400);
    expect(err.code).toBe(21211);
    expect((await rejection(client.calls.create(callArgs("12345")))).code).toBe(21211);
  });

  it("fails the next n requests with 429 / 20429, then succeeds", async () => {
    net.failNext(2, { status: 429, code: 20429 });
    const send = () => client.messages.create({ to: "+8613800138001", from: FROM, body: "retry me" });
    expect((await rejection(send())).code).toBe(20429);
    expect((await rejection(send())).status).toBe(429);
    expect((await send()).sid).toMatch(/^SM/);
    net.failNext(1, { status: 503 });
    expect((await rejection(send())).status).toBe(503);
  });

  it("plays a call: person answers after 1 s and presses 1", async () => {
    net.setPerson("+8613800000001", { answerAfterS: 1, press: "1" });
    const c = await client.calls.create(callArgs("+8613800000001"));
    expect(c.sid).toMatch(/^CA[0-9a-f]{32}$/);
    const call = await net.waitFor(ended(c.sid), 8000);

    const [fetch] = hitsAt("/voice", c.sid);
    expect(fetch).toMatchObject({ validSignature: true, params: { CallStatus: "in-progress", Direction: "outbound-api", From: FROM, To: "+8613800000001", AccountSid: accountSid } });
    const [action] = hitsAt("/gather", c.sid);
    expect(action).toMatchObject({ validSignature: true, params: { Digits: "1", CallSid: c.sid } });

    await net.waitFor(() => hitsAt("/status", c.sid).some((h) => h.params.CallStatus === "completed"), 3000);
    const status = hitsAt("/status", c.sid);
    expect(status.map((h) => h.params.CallStatus)).toEqual(["initiated", "ringing", "in-progress", "completed"]);
    expect(status.map((h) => h.params.SequenceNumber)).toEqual(["0", "1", "2", "3"]);
    expect(status.every((h) => h.validSignature)).toBe(true);
    expect(Number(status.at(-1)!.params.CallDuration)).toBeGreaterThan(0);

    expect(call).toMatchObject<Partial<RecordedCall>>({ status: "completed", digits: "1" });
    expect(call.said).toEqual(["紧急求助，按1表示您会前往", "谢谢，已通知家人"]);
    expect(call.speech[0]).toEqual({ text: "紧急求助，按1表示您会前往", language: "zh-CN", voice: "Polly.Zhiyu" });
    expect((await client.calls(c.sid).fetch()).status).toBe("completed");
  });

  it("reports a voicemail as machine_start through async AMD", async () => {
    net.setPerson("+8613800000002", { answerAfterS: 0.5, voicemail: true });
    const c = await client.calls.create(callArgs("+8613800000002", {
      machineDetection: "Enable", asyncAmd: "true", asyncAmdStatusCallback: `${hooks.url}/amd`, asyncAmdStatusCallbackMethod: "POST",
    }));
    await net.waitFor(() => hooks.hits.find((h) => h.path === "/amd" && h.params.CallSid === c.sid), 5000);
    const amd = hooks.hits.find((h) => h.path === "/amd")!;
    expect(amd.params.AnsweredBy).toBe("machine_start");
    expect(amd.validSignature).toBe(true);
    // the gateway hangs up on a machine: status completed, the simulation stops
    await client.calls(c.sid).update({ status: "completed" });
    const call = await net.waitFor(ended(c.sid), 2000);
    expect(call.status).toBe("completed");
    expect(call.digits).toBeUndefined();
  });

  it("rings a person who never answers until Timeout, then no-answer", async () => {
    net.setPerson("+8613800000003", { never: true });
    const started = Date.now();
    const c = await client.calls.create(callArgs("+8613800000003", { timeout: 5 }));
    const call = await net.waitFor(ended(c.sid), 5000);
    expect(call.status).toBe("no-answer");
    expect(call.statuses).toEqual(["queued", "initiated", "ringing", "no-answer"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500); // 5 s at speed 10
    await net.waitFor(() => hitsAt("/status", c.sid).some((h) => h.params.CallStatus === "no-answer"), 2000);
    expect(hitsAt("/voice", c.sid)).toHaveLength(0);
  });

  it("cancels a ringing call through the API", async () => {
    net.setPerson("+8613800000004", { answerAfterS: 20 });
    const c = await client.calls.create(callArgs("+8613800000004"));
    await net.waitFor(() => net.calls.find((x) => x.sid === c.sid && x.status === "ringing"), 2000);
    const updated = await client.calls(c.sid).update({ status: "canceled" });
    expect(updated.status).toBe("canceled");
    // the barrier: a later call whose person answers later still has fetched its TwiML
    net.setPerson("+8613800000014", { answerAfterS: 22 });
    const later = await client.calls.create(callArgs("+8613800000014"));
    await net.waitFor(() => hitsAt("/voice", later.sid).length > 0, 5000);
    expect(net.calls.find((x) => x.sid === c.sid)!.statuses.at(-1)).toBe("canceled");
    expect(hitsAt("/voice", c.sid)).toHaveLength(0);
  });

  it("sends a person's SMS reply to the inbound URL", async () => {
    net.setPerson("+8613800000005", { replySms: "1", replyAfterS: 1 });
    await client.messages.create({ to: "+8613800000005", from: FROM, body: "press 1 to go" });
    const inbound = await net.waitFor(() => net.inboundMessages.find((m) => m.from === "+8613800000005" && m.delivered), 3000);
    expect(inbound.body).toBe("1");
    const hit = hooks.hits.find((h) => h.path === "/sms-in")!;
    expect(hit.params).toMatchObject({ From: "+8613800000005", To: FROM, Body: "1", AccountSid: accountSid });
    expect(hit.params.MessageSid).toMatch(/^SM/);
    expect(hit.validSignature).toBe(true);
  });

  it("runs inline Twiml, and sync AMD puts AnsweredBy on the TwiML request", async () => {
    net.setPerson("+8613800000006", { answerAfterS: 0.5 });
    const inline = await client.calls.create({ to: "+8613800000006", from: FROM, twiml: '<Response><Say language="en">Help is needed at flat 3-1-502</Say><Hangup/></Response>' });
    const call = await net.waitFor(ended(inline.sid), 5000);
    expect(call.speech).toEqual([{ text: "Help is needed at flat 3-1-502", language: "en" }]);
    expect(call.status).toBe("completed");

    const sync = await client.calls.create({ to: "+8613800000006", from: FROM, url: `${hooks.url}/voice`, machineDetection: "Enable", statusCallback: `${hooks.url}/status` });
    await net.waitFor(ended(sync.sid), 8000);
    expect(hitsAt("/voice", sync.sid)[0]?.params.AnsweredBy).toBe("human");
    // without StatusCallbackEvent Twilio sends only the final status
    await net.waitFor(() => hitsAt("/status", sync.sid).length > 0, 2000);
    expect(hitsAt("/status", sync.sid).map((h) => h.params.CallStatus)).toEqual(["completed"]);
  });

  it("lets a key cut a long prompt short (barge-in); a key after the Gather timeout is no key", async () => {
    net.setPerson("+8613800000007", { answerAfterS: 0.5, press: "2", pressAfterS: 1 });
    const line = "Someone at Building 3 pressed the help button. Press 1 if you are going. ";
    // ~4 min of speech (24 s at speed 10): the call ends in time only if the key cuts the prompt short
    const long = line.repeat(40);
    const quick = await client.calls.create({ to: "+8613800000007", from: FROM, twiml: `<Response><Gather numDigits="1" timeout="3" action="${hooks.url}/gather"><Say language="en">${long}</Say></Gather></Response>` });
    const call = await net.waitFor(ended(quick.sid), 10_000);
    expect(call.digits).toBe("2");
    expect(call.said).toEqual([long.trim(), "好的"]);

    const prompt = line.repeat(4); // ~24 s of speech
    const twiml = `<Response><Gather numDigits="1" timeout="3" action="${hooks.url}/gather"><Say language="en">${prompt}</Say></Gather></Response>`;

    net.setPerson("+8613800000008", { answerAfterS: 0.5, press: "1", pressAfterS: 40 });
    const late = await client.calls.create({ to: "+8613800000008", from: FROM, twiml });
    const lateCall = await net.waitFor(ended(late.sid), 8000);
    expect(lateCall.digits).toBeUndefined();
  });

  it("answers unknown routes and bad bodies in Twilio's error shape", async () => {
    const res = await fetch(`${net.url}/2010-04-01/Accounts/${accountSid}/Nope.json`, {
      headers: { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}` },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 20404, status: 404 });
    const err = await rejection(client.messages.create({ to: "+8613800138000", from: FROM, body: "" }));
    expect(err.code).toBe(21602);
  });

  it("serves its phones panel only to an address or localhost in the Host header (421 for a rebound domain name)", async () => {
    const get = (host: string) => new Promise<number>((resolve, reject) => {
      const req = request(`${net.url}/phones.json`, { headers: { host } }, (res) => (res.resume(), resolve(res.statusCode ?? 0)));
      req.on("error", reject);
      req.end();
    });
    const port = new URL(net.url).port;
    expect(await get(`attacker.example:${port}`)).toBe(421);
    expect(await get(`127.0.0.1:${port}`)).toBe(200);
  });
});
