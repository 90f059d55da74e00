import type { MqttClient } from "mqtt";
import { topics } from "@helpkey/shared";
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, nextMessage, startBroker, type Harness } from "./support";

afterEach(closeAll);

/** Resolves true when aedes disconnects `clientId`. */
function watchDisconnect(h: Harness, clientId: string): { gone(): boolean; dropped: Promise<void> } {
  let gone = false;
  const dropped = new Promise<void>((resolve) =>
    h.broker.aedes.on("clientDisconnect", (client) => {
      if (client.id === clientId) {
        gone = true;
        resolve();
      }
    }),
  );
  return { gone: () => gone, dropped };
}

/** The client stops reading its socket. */
function stopReading(c: MqttClient): void {
  c.stream.unpipe();
  c.stream.pause();
}

describe("slow subscribers (drainTimeout)", () => {
  it("drops a device that stops reading, and delivery to others goes on", async () => {
    const h = await startBroker({ drainTimeoutMs: 300, maxPacketBytes: 64 * 1024 });
    const stuck = await h.device("dev-a");
    await stuck.subscribeAsync(topics.ack("dev-a"), { qos: 1 });
    const healthy = await h.device("dev-b");
    await healthy.subscribeAsync(topics.ack("dev-b"), { qos: 1 });
    const watch = watchDisconnect(h, "dev-a");
    stopReading(stuck);

    // fill the stuck client's socket and kernel buffers (tens of MB on loopback)
    // until the broker has to wait for it; the bound only stops a runaway loop
    const publisher = await h.service();
    const payload = "z".repeat(60 * 1024);
    for (let sent = 0; sent < 5_000 && !watch.gone(); sent++) {
      await publisher.publishAsync(topics.ack("dev-a"), payload, { qos: 1 });
    }
    await watch.dropped;
    const last = nextMessage(healthy, topics.ack("dev-b"), "after");
    await publisher.publishAsync(topics.ack("dev-b"), "after", { qos: 1 });
    expect(await last).toBe("after");
  });

  it("does not drop a service (the gateway) at the devices' drain timeout: it gets everything once it reads again", async () => {
    const h = await startBroker({ drainTimeoutMs: 200, maxPacketBytes: 64 * 1024 });
    const gateway = await h.service({ clientId: "gateway" });
    await gateway.subscribeAsync(topics.allStatus, { qos: 1 });
    const watch = watchDisconnect(h, "gateway");
    let received = 0;
    // dev-a's statuses only: the device dropped below leaves an offline status of its own
    gateway.on("message", (topic) => topic === topics.status("dev-a") && received++);
    // stop reading; keep the client's parser to pipe to again later
    const parser = (gateway.stream as unknown as { _readableState: { pipes: NodeJS.WritableStream[] } })._readableState.pipes[0]!;
    stopReading(gateway);

    const publisher = await h.service();
    const payload = "z".repeat(16 * 1024);
    const published = 2_000; // 32 MB: far more than the loopback socket buffers hold
    for (let i = 0; i < published; i++) await publisher.publishAsync(topics.status("dev-a"), payload, { qos: 1 });
    // the broker is waiting for the gateway's socket to drain
    const conn = (h.broker.aedes as unknown as { clients: Record<string, { conn: { writableNeedDrain: boolean; listenerCount(e: string): number } }> }).clients["gateway"]!.conn;
    expect(conn.writableNeedDrain).toBe(true);
    // one drain listener for all the writes waiting (one each would make every removal O(n): a storm stalls)
    expect(conn.listenerCount("drain")).toBeLessThanOrEqual(2);
    // the barrier: a device that stops reading after the gateway did is dropped at the drain timeout,
    // so the gateway's own wait is past it too; the gateway is still connected
    const device = await h.device("dev-b");
    await device.subscribeAsync(topics.ack("dev-b"), { qos: 1 });
    const deviceWatch = watchDisconnect(h, "dev-b");
    stopReading(device);
    for (let sent = 0; sent < 5_000 && !deviceWatch.gone(); sent++) await publisher.publishAsync(topics.ack("dev-b"), payload, { qos: 1 });
    await deviceWatch.dropped;
    expect(watch.gone()).toBe(false);

    // it reads again: everything arrives, nothing was dropped
    gateway.stream.pipe(parser);
    await expect.poll(() => received, { timeout: 20_000 }).toBe(published);
    expect(watch.gone()).toBe(false);
  });

  it("drops a service that stops reading for its own, longer timeout", async () => {
    const h = await startBroker({ drainTimeoutMs: 100, serviceDrainTimeoutMs: 400, maxPacketBytes: 64 * 1024 });
    const gateway = await h.service({ clientId: "gateway" });
    await gateway.subscribeAsync(topics.allStatus, { qos: 1 });
    const watch = watchDisconnect(h, "gateway");
    stopReading(gateway);
    const publisher = await h.service();
    const payload = "z".repeat(16 * 1024);
    for (let i = 0; i < 2_000 && !watch.gone(); i++) await publisher.publishAsync(topics.status("dev-a"), payload, { qos: 1 });
    await watch.dropped;
    expect(watch.gone()).toBe(true);
  });
});
