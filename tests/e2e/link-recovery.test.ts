/**
 * The gateway's MQTT link drops while acks are on their way (the broker never confirmed
 * them). After the link is back, the device's retransmission is acked: nothing that was in flight
 * holds later acks back.
 */
import { afterEach, expect, it } from "vitest";
import { createHousehold } from "../helpers/community";
import { openConsole } from "../helpers/console-client";
import { alarm, connectRaw } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";
import { topics } from "@helpkey/shared";
import type { InProcessBroker } from "@helpkey/broker";

let sys: TestSystem | undefined;
afterEach(async () => {
  await sys?.close();
});

interface AedesClientView {
  conn: { removeAllListeners(event: string): void; destroy(): void };
}

it("acks the device's retransmission after the link dropped with its first ack unconfirmed", async () => {
  sys = await startTestSystem({ brokerThread: false }); // reaches into aedes: the broker on this thread
  const home = await createHousehold(sys.api, { contacts: [{ name: "C", phone: "+8613800004001", priority: 1 }] });
  const dev = await connectRaw(sys.mqttUrl, home.device.id, home.device.secret);
  const console1 = await openConsole(sys.httpUrl);
  const clients = ((sys.broker as InProcessBroker).aedes as unknown as { clients: Record<string, AedesClientView> }).clients;
  const gatewayConn = clients["svc:gateway"]!.conn;

  // The broker stops reading what the gateway sends (its ack stays unconfirmed); delivery to the gateway goes on.
  gatewayConn.removeAllListeners("readable");
  await dev.client.publishAsync(topics.alarm(home.device.id), alarm(1), { qos: 1 });
  const stored = await waitFor(() => sys!.ctx.db.$client.prepare("SELECT alert_id FROM presses WHERE device_id = ? AND seq = 1").get(home.device.id) as { alert_id: number } | undefined, 5000, "the press stored");
  // the console frame goes out with the ack, after the fsync: once it is here, the ack has left the gateway
  await console1.waitFor((f) => f.type === "alert.created" && (f as { alert?: { id: number } }).alert?.id === stored.alert_id);
  await console1.close();
  expect(dev.acks).toEqual([]);

  // The link drops; the gateway reconnects by itself. The device retransmits (same seq), as devices do.
  gatewayConn.destroy();
  await waitFor(() => clients["svc:gateway"] && clients["svc:gateway"].conn !== gatewayConn, 5000, "the gateway back");
  await dev.client.publishAsync(topics.alarm(home.device.id), alarm(1), { qos: 1 });
  const ack = await waitFor(() => dev.acks.find((a) => a.seq === 1), 5000, "the ack of the retransmission");
  expect(ack).toMatchObject({ seq: 1, alertId: stored.alert_id, state: "received" });
  await dev.client.endAsync();
});
