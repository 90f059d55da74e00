/**
 * Personal data in the gateway's log: a contact who is texted and called appears at info level only
 * as the masked number, never in full (the real system on port 0, its log captured line by line).
 */
import { Writable } from "node:stream";
import { maskPhone, type AlertView, type NotificationView } from "@helpkey/shared";
import { pino } from "pino";
import { afterEach, expect, it } from "vitest";
import { createHousehold } from "../helpers/community";
import type { SimDevice } from "@helpkey/firmware-sim/device";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

const DAUGHTER = "+8613800138000";
const SON = "+8613900139001";

let sys: TestSystem | undefined;
let device: SimDevice | undefined;
afterEach(async () => {
  await device?.close();
  await sys?.close();
  sys = device = undefined;
});

it("logs a texted and called contact's number masked at info, never in full", async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  sys = await startTestSystem({ logger: pino({ level: "info" }, sink) });
  const s = sys;
  const home = await createHousehold(s.api, {
    contacts: [
      { name: "Daughter", phone: DAUGHTER, priority: 1 },
      { name: "Son", phone: SON, priority: 2 },
    ],
  });
  device = await connectSim(s.mqttUrl, home.device.id, home.device.secret);
  const { seq } = device.press({ kind: "emergency" });
  const { alertId } = await device.waitForAck(seq, "received", 5000);

  // both texts and the first call reached the phone network: their lines are written by then
  await waitFor(async () => {
    const d = (await s.api<AlertView & { notifications: NotificationView[] }>("GET", `/api/alerts/${alertId}`)).body;
    const past = (n: NotificationView) => !["queued", "sending"].includes(n.status);
    return d.notifications.filter((n) => n.channel === "sms" && past(n)).length >= 2 && d.notifications.some((n) => n.channel === "call" && past(n));
  }, 10_000, "both texts and a call sent");

  const log = lines.join("\n");
  // the lines about them are there, masked: the check below is not vacuous
  expect(log).toContain(maskPhone(DAUGHTER));
  expect(log).toContain(maskPhone(SON));
  expect(maskPhone(DAUGHTER)).toBe("+86******8000");
  for (const number of [DAUGHTER, SON]) {
    expect(log).not.toContain(number);
    expect(log).not.toContain(number.slice(1)); // nor without its plus sign
  }
});
