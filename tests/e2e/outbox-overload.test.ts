/**
 * While the event loop is overloaded the outbox keeps fewer provider requests in flight
 * (the acks come first), and still sends every notification, in order.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import { createHousehold } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem;
beforeEach(async () => {
  // the loop as the outbox sees it: always 95 % busy
  sys = await startTestSystem({ rates: { smsPerSecond: 50, callsPerSecond: 50, maxInFlight: 4 }, loopUtilization: () => 0.95 });
});
afterEach(async () => {
  await sys.close();
});

const gauge = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(await (await fetch(`${sys.httpUrl}/metrics`)).text())?.[1]);

it("an overloaded loop brings the in-flight limit down to one, and every contact is still texted and the first one called", async () => {
  await waitFor(async () => (await gauge("hk_outbox_in_flight_limit")) === 1, 8000, "the in-flight limit at 1");
  const home = await createHousehold(sys.api, {
    contacts: [
      { name: "A", phone: "+8613800000011", priority: 1 },
      { name: "B", phone: "+8613800000012", priority: 2 },
      { name: "C", phone: "+8613800000013", priority: 3 },
    ],
  });
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  try {
    await device.waitForAck(device.press().seq, "received", 5000);
    const phone = sys.phone!;
    await waitFor(() => phone.messages.length >= 3 && phone.calls.length >= 1, 8000, "3 SMS and a call at the emulator");
    expect(phone.messages.map((m) => m.to).sort()).toEqual(["+8613800000011", "+8613800000012", "+8613800000013"]);
    expect(phone.calls[0]!.to).toBe("+8613800000011");
    expect(await gauge("hk_outbox_in_flight_limit")).toBe(1);
  } finally {
    await device.close();
  }
});
