/** The twilio SDK on its thread: requests and provider errors cross intact; a thread that dies is replaced. */
import { readdirSync, readFileSync } from "node:fs";
import pino from "pino";
import { afterEach, expect, it } from "vitest";
import { createPhoneNetwork, type PhoneNetwork } from "@helpkey/firmware-sim/phone-network";
import { startChannelThread, type ChannelThread } from "../src/notify/channel-thread";
import { classifyError } from "../src/notify/phone-channel";

const ACCOUNT = "AC00000000000000000000000000000000";
const TOKEN = "channel-thread-test-token";
let net: PhoneNetwork | undefined;
let thread: ChannelThread | undefined;
afterEach(async () => {
  await thread?.close();
  await net?.close();
});

async function setup(logger = pino({ level: "silent" })) {
  net = await createPhoneNetwork({ host: "127.0.0.1", port: 0, accountSid: ACCOUNT, authToken: TOKEN });
  thread = startChannelThread({ accountSid: ACCOUNT, authToken: TOKEN, from: "+10000000000", apiUrl: net.url }, logger);
  return { net, thread };
}

const sms = (to: string) => ({ to, body: "测试 test", statusCallback: "http://127.0.0.1:9/twilio/sms-status/1" });

it("sends through the real SDK on its thread and passes the provider's errors back as the SDK raised them", async () => {
  const { net, thread } = await setup();
  const { sid } = await thread.sendSms(sms("+8613800000001"));
  expect(sid).toMatch(/^SM/);
  expect(net.messages.map((m) => [m.sid, m.to, m.body])).toEqual([[sid, "+8613800000001", "测试 test"]]);

  net.setPerson("+8613800000002", { invalid: true });
  const permanent = await thread.sendSms(sms("+8613800000002")).catch((e: unknown) => e);
  expect(permanent).toMatchObject({ status: 400, code: 21211 });
  expect(classifyError(permanent).transient).toBe(false);

  net.failNext(1, { status: 429, code: 20429 });
  const limited = await thread.sendSms(sms("+8613800000003")).catch((e: unknown) => e);
  expect(limited).toMatchObject({ status: 429, code: 20429 });
  expect(classifyError(limited).transient).toBe(true);
});

it("a thread that dies fails its requests as transient and is started again", async () => {
  const errors: string[] = [];
  const { net, thread } = await setup(pino({ level: "error" }, { write: (l: string) => void errors.push(JSON.parse(l).msg) }));
  await thread.sendSms(sms("+8613800000001")); // booted
  const first = thread.worker!;
  await first.terminate();
  const during = await thread.sendSms(sms("+8613800000002")).catch((e: unknown) => e);
  expect(classifyError(during).transient).toBe(true); // the outbox retries it with backoff
  expect(errors).toContain("phone channel thread stopped; starting it again");

  const deadline = Date.now() + 10_000;
  while ((!thread.worker || thread.worker === first) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const { sid } = await thread.sendSms(sms("+8613800000003"));
  expect(net.messages.map((m) => m.sid)).toContain(sid);
});

/** Each thread of this process (Linux: /proc/self/task) with its nice value. */
function niceByThread(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      out.set(tid, Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16])); // field 19: nice
    } catch {
      /* the thread ended meanwhile */
    }
  }
  return out;
}

it.runIf(process.platform === "linux")("runs at a lower CPU priority than the alarm path (Linux only: nice values are per thread there)", async () => {
  const before = niceByThread();
  const { thread } = await setup();
  await thread.sendSms(sms("+8613800000001")); // booted
  const added = [...niceByThread()].filter(([tid]) => !before.has(tid));
  expect(added.map(([, nice]) => nice)).toContain(before.get(String(process.pid))! + 10);
  expect(niceByThread().get(String(process.pid))).toBe(before.get(String(process.pid))); // the event loop keeps its own
});
