import { connect } from "node:net";
import { topics } from "@helpkey/shared";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createBroker } from "../src/index";
import { closeAll, closed, nextMessage, silentLogger, startBroker } from "./support";

afterEach(closeAll);

function refusedConnection(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? "error"));
  });
}

describe("lifecycle", () => {
  it("disconnectDevice kicks the device and publishes its Last Will", async () => {
    const h = await startBroker();
    const gateway = await h.service();
    await gateway.subscribeAsync(topics.allStatus, { qos: 1 });
    const device = await h.device("dev-a", {
      will: { topic: topics.status("dev-a"), payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    });
    expect(h.broker.connectedDevices()).toBe(1);

    const kicked = closed(device);
    const will = nextMessage(gateway, topics.status("dev-a"));
    h.broker.disconnectDevice("dev-a");
    await kicked;
    expect(await will).toBe('{"online":false}');
    expect(h.broker.connectedDevices()).toBe(0);
    // unknown ids are a no-op
    h.broker.disconnectDevice("dev-zz");
  });

  it("does not publish a device's Last Will aimed at another device's topic", async () => {
    const h = await startBroker();
    const gateway = await h.service();
    await gateway.subscribeAsync([topics.allStatus], { qos: 1 });
    const device = await h.device("dev-a", {
      will: { topic: topics.status("dev-b"), payload: Buffer.from('{"online":false}'), qos: 1, retain: false },
    });
    const kicked = closed(device);
    h.broker.disconnectDevice("dev-a");
    await kicked;
    // a status from dev-c, sent afterwards, is the only status the gateway sees
    const honest = await h.device("dev-c");
    const statuses: string[] = [];
    gateway.on("message", (topic) => statuses.push(topic));
    const received = nextMessage(gateway, topics.status("dev-c"));
    await honest.publishAsync(topics.status("dev-c"), '{"online":true}', { qos: 1 });
    await received;
    expect(statuses).toEqual([topics.status("dev-c")]);
  });

  it("close() stops listening, closes clients, unregisters metrics and is idempotent", async () => {
    const registry = new Registry();
    const h = await startBroker({ registry });
    const device = await h.device("dev-a");
    const kicked = closed(device);
    expect(await registry.getSingleMetric("hk_mqtt_connections")?.get()).toBeDefined();

    await h.broker.close();
    await kicked;
    expect(await refusedConnection(h.broker.port)).toBe("ECONNREFUSED");
    expect(registry.getSingleMetric("hk_mqtt_connections")).toBeUndefined();
    expect(registry.getSingleMetric("hk_mqtt_refusals_total")).toBeUndefined();
    await h.broker.close();

    // the same registry serves the next broker
    const next = await createBroker({ authenticate: async () => null, logger: silentLogger, registry });
    await next.close();
  });

  it("close() also drops sockets that never sent CONNECT", async () => {
    const h = await startBroker();
    const socket = connect(h.broker.port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    const dropped = new Promise((resolve) => socket.once("close", resolve));
    await h.broker.close();
    await dropped;
  });
});
