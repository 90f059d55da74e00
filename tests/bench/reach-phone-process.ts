/**
 * The phone network for `pnpm bench:storm-reach`, as a process of its own (the gateway reaches it
 * as a Twilio-compatible server, HK_TWILIO_API_URL). Every SMS and call request is time-stamped
 * here on arrival and reported with its To and From. Simulated time runs at real speed: a call
 * rings, is answered after 3 s and plays its prompt as it would. Its people press nothing (so the
 * cascade goes on to the next waves), unless started with "press1".
 *
 * argv: [authToken, "press1" | "silent"]
 */
import { createPhoneNetwork } from "@helpkey/firmware-sim/phone-network";
import { hrNow } from "@helpkey/firmware-sim/fleet/light-device";

/** One request at the network: [1 = SMS | 2 = call, To, From (or the Messaging Service), at (hrNow ms)]. */
export type ReachRequest = [number, string, string, number];
export type ReachPhoneEvent =
  | { t: "ready"; url: string; accountSid: string }
  | { t: "requests"; requests: ReachRequest[] }
  | { t: "clock"; id: number; now: number };
export type ReachPhoneCommand = { t: "clock"; id: number } | { t: "exit" };

/** The account a gateway uses with a Twilio-compatible server and no credentials of its own. */
const ACCOUNT_SID = "AC00000000000000000000000000000000";

const send = (e: ReachPhoneEvent) => process.send!(e);
const authToken = process.argv[2] ?? "helpkey-bench-reach-token";
const press1 = process.argv[3] === "press1";
let requests: ReachRequest[] = [];
const flush = () => {
  if (requests.length === 0) return;
  send({ t: "requests", requests });
  requests = [];
};

const net = await createPhoneNetwork({
  host: "127.0.0.1", port: 0, accountSid: ACCOUNT_SID, authToken, speed: 1,
  defaultPerson: press1 ? { answerAfterS: 3, press: "1", pressAfterS: 1 } : { answerAfterS: 3, press: null },
});
net.on("message", (m) => requests.push([1, m.to, m.from, hrNow()]));
net.on("call", (c) => requests.push([2, c.to, c.from, hrNow()]));
// The emulator keeps every record for tests to inspect; the bench needs only what it reported.
const trim = setInterval(() => {
  net.messages.splice(0, Math.max(0, net.messages.length - 2000));
  net.calls.splice(0, Math.max(0, net.calls.length - 2000));
}, 5000);
const flushTimer = setInterval(flush, 200);

const stop = async () => {
  clearInterval(trim);
  clearInterval(flushTimer);
  flush();
  await net.close();
  process.exit(0);
};
process.on("message", (raw) => {
  const m = raw as ReachPhoneCommand;
  if (m.t === "clock") send({ t: "clock", id: m.id, now: hrNow() });
  else if (m.t === "exit") void stop();
});
process.on("disconnect", () => void stop());
process.on("SIGINT", () => undefined);
process.on("SIGTERM", () => void stop());
send({ t: "ready", url: net.url, accountSid: net.accountSid });
