/**
 * The broker's bounds on one source address, set by the gateway's environment and applied on the
 * broker's own thread: a socket that never sends CONNECT is closed at HK_MQTT_CONNECT_TIMEOUT_S,
 * and one over HK_MQTT_PENDING_PER_SOURCE is closed at accept. Each is counted on /metrics, and a
 * device from another address is served meanwhile.
 */
import { connect as netConnect, type Socket } from "node:net";
import { afterEach, expect, it } from "vitest";
import { createHousehold } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { metric } from "../helpers/metrics";
import { startTestSystem, type TestSystem } from "../helpers/system";

let sys: TestSystem | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await sys?.close();
  sys = undefined;
});

/** A TCP connection that sends nothing; resolves once established, with a promise of its close. */
async function silent(port: number, localAddress: string): Promise<{ closed: Promise<number> }> {
  const socket = netConnect({ host: "127.0.0.1", port, localAddress });
  sockets.push(socket);
  socket.on("error", () => undefined);
  const closed = new Promise<number>((resolve) => socket.once("close", () => resolve(performance.now())));
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  return { closed };
}

it("closes silent sockets at the CONNECT timeout and the one over the pending limit at once; a device elsewhere is served", async () => {
  sys = await startTestSystem({ env: { HK_MQTT_CONNECT_TIMEOUT_S: "1.5", HK_MQTT_PENDING_PER_SOURCE: "3" } });
  const refusals = (reason: string) => metric(sys!.httpUrl, "hk_mqtt_refusals_total", { reason });
  const home = await createHousehold(sys.api, { contacts: [{ name: "Daughter", phone: "+8613800001001", priority: 1 }] });
  const port = Number(new URL(sys.mqttUrl).port);

  const waiting = [await silent(port, "127.0.0.2"), await silent(port, "127.0.0.2"), await silent(port, "127.0.0.2")];
  const over = await silent(port, "127.0.0.2");
  const overClosedAt = await over.closed;
  const timedOutAt = await Promise.all(waiting.map((w) => w.closed));
  // the fourth was cut at accept, before any of the three reached its timeout
  expect(overClosedAt).toBeLessThan(Math.min(...timedOutAt));
  expect(await refusals("HK_MQTT_CONNECTION_LIMIT")).toBe(1);
  expect(await refusals("HK_MQTT_CONNECT_TIMEOUT")).toBe(3);

  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  try {
    expect((await device.waitForAck(device.press().seq, "received", 5000)).state).toBe("received");
  } finally {
    await device.close();
  }
});
