/**
 * The Twilio-compatible phone network (firmware-sim) as a process of its own, at the address the
 * gateway is given in HK_TWILIO_API_URL: every SMS and call request the real twilio SDK makes is
 * time-stamped here, on arrival. Its people answer after 1 s and press 1 ,
 * so each alert is claimed and its cascade ends instead of calling on through the whole run. Simulated
 * time runs 50× fast: a call is over in well under a second of real time.
 */
import { createPhoneNetwork } from "@helpkey/firmware-sim/phone-network";
import { indexOfContactPhone } from "@helpkey/firmware-sim/fleet/credentials";
import { hrNow } from "@helpkey/firmware-sim/fleet/light-device";

/** [device index, at, 1 = SMS | 2 = call] */
export type PhoneSample = [number, number, number];
export type PhoneEvent =
  | { t: "ready"; url: string; accountSid: string; authToken: string }
  | { t: "samples"; requests: PhoneSample[] }
  | { t: "counters"; sms: number; calls: number; cpuMs: number }
  | { t: "clock"; id: number; now: number };
export type PhoneCommand = { t: "flush"; immediate: boolean } | { t: "clock"; id: number } | { t: "exit" };

const send = (e: PhoneEvent) => process.send!(e);
const authToken = process.argv[2] ?? "helpkey-bench-phone-token";
let requests: PhoneSample[] = [];
let immediate = false;
let sms = 0;
let calls = 0;
const flush = () => {
  if (requests.length === 0) return;
  send({ t: "samples", requests });
  requests = [];
};

const net = await createPhoneNetwork({
  host: "127.0.0.1", port: 0, accountSid: "AC00000000000000000000000000000000", authToken, speed: 50,
  defaultPerson: { answerAfterS: 1, press: "1", pressAfterS: 0.5 },
});
net.on("message", (m) => {
  const at = hrNow();
  sms++;
  const idx = indexOfContactPhone(m.to);
  if (idx !== null) requests.push([idx, at, 1]);
  if (immediate) flush();
});
net.on("call", (c) => {
  const at = hrNow();
  calls++;
  const idx = indexOfContactPhone(c.to);
  if (idx !== null) requests.push([idx, at, 2]);
  if (immediate) flush();
});
// The emulator keeps every record for tests to inspect; a bench run only needs the counts.
const trim = setInterval(() => {
  net.messages.splice(0, Math.max(0, net.messages.length - 5000));
  net.calls.splice(0, Math.max(0, net.calls.length - 5000));
}, 5000);
const flushTimer = setInterval(flush, 200);
const countTimer = setInterval(() => {
  const cpu = process.cpuUsage();
  send({ t: "counters", sms, calls, cpuMs: (cpu.user + cpu.system) / 1000 });
}, 500);

const stop = async () => {
  clearInterval(trim);
  clearInterval(flushTimer);
  clearInterval(countTimer);
  flush();
  await net.close();
  process.exit(0);
};
process.on("message", (raw) => {
  const m = raw as PhoneCommand;
  if (m.t === "flush") {
    immediate = m.immediate;
    flush();
  } else if (m.t === "clock") send({ t: "clock", id: m.id, now: hrNow() });
  else if (m.t === "exit") void stop();
});
process.on("disconnect", () => void stop());
process.on("SIGINT", () => undefined);
// the bench stops its helpers with SIGTERM: close the network (its callbacks) before leaving
process.on("SIGTERM", () => void stop());
send({ t: "ready", url: net.url, accountSid: net.accountSid, authToken: net.authToken });
