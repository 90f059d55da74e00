/**
 * The embedded broker runs on its own thread. If that thread dies it is started again on
 * the same port; the gateway's link subscribes again and a device that reconnects is acked.
 */
import { afterEach, expect, it } from "vitest";
import type { BrokerThread } from "@helpkey/broker";
import { createHousehold } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem | undefined;
afterEach(async () => {
  await sys?.close();
});

it("a press after the broker thread died and came back is stored and acked", async () => {
  sys = await startTestSystem();
  const home = await createHousehold(sys.api, { contacts: [{ name: "C", phone: "+8613800007001", priority: 1 }] });
  const broker = sys.broker as BrokerThread;
  const first = broker.worker;
  await first.terminate();
  expect((await fetch(`${sys.httpUrl}/healthz`)).status).toBe(503); // the broker check fails meanwhile
  await waitFor(() => broker.worker !== first && broker.isRunning(), 5000, "the broker thread running again");
  await waitFor(async () => (await fetch(`${sys!.httpUrl}/healthz`)).status === 200, 5000, "the gateway's link back");

  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  try {
    const ack = await device.waitForAck(device.press().seq, "received", 5000);
    expect(ack.alertId).toBeGreaterThan(0);
    expect(sys.ctx.db.$client.prepare("SELECT count(*) AS n FROM presses WHERE device_id = ?").get(home.device.id)).toEqual({ n: 1 });
  } finally {
    await device.close();
  }
});
