import { topics } from "@helpkey/shared";
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, closed, ErrorCodes, inbox, nextMessage, startBroker } from "./support";

afterEach(closeAll);

const alarm = JSON.stringify({ seq: 1, ts: 1, action: "raise", kind: "emergency", trigger: "button" });

/** A PUBLISH QoS 0 on the wire [MQTT-3.3] (short packets only: one remaining-length byte). */
function qos0Publish(topic: string, payload: string): Buffer {
  const body = Buffer.concat([Buffer.from([0, Buffer.byteLength(topic)]), Buffer.from(topic), Buffer.from(payload)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

describe("topic ACL (a device uses only its own topics)", () => {
  it("delivers a device's own alarm to a service subscriber", async () => {
    const h = await startBroker();
    const gateway = await h.service();
    await gateway.subscribeAsync(topics.allAlarms, { qos: 1 });
    const device = await h.device("dev-a");
    const received = nextMessage(gateway, topics.alarm("dev-a"));
    await device.publishAsync(topics.alarm("dev-a"), alarm, { qos: 1 });
    expect(await received).toBe(alarm);
    expect(await h.metric("hk_mqtt_publishes_total")).toBe(1);
  });

  it("disconnects a device publishing to another device's alarm and forwards nothing", async () => {
    const h = await startBroker();
    const gateway = await h.service();
    await gateway.subscribeAsync(topics.allAlarms, { qos: 1 });
    const messages = inbox(gateway);
    const intruder = await h.device("dev-a");
    const kicked = closed(intruder);
    intruder.publish(topics.alarm("dev-b"), alarm, { qos: 1 });
    await kicked;

    // a legitimate alarm published afterwards is the only one the gateway sees
    const honest = await h.device("dev-c");
    const received = nextMessage(gateway, topics.alarm("dev-c"));
    await honest.publishAsync(topics.alarm("dev-c"), alarm, { qos: 1 });
    await received;
    expect(messages.map((m) => m.topic)).toEqual([topics.alarm("dev-c")]);
    expect(await h.refusals(ErrorCodes.MQTT_ACL_DENIED)).toBe(1);
    expect(await h.metric("hk_mqtt_publishes_total")).toBe(1);
  });

  it("forwards nothing that follows a refused publish on the same connection", async () => {
    const h = await startBroker();
    const gateway = await h.service();
    await gateway.subscribeAsync(topics.allAlarms, { qos: 1 });
    const messages = inbox(gateway);
    const intruder = await h.device("dev-a");
    const kicked = closed(intruder);
    // both packets in one write, so the broker reads them in one chunk
    intruder.stream.write(Buffer.concat([qos0Publish(topics.alarm("dev-b"), alarm), qos0Publish(topics.alarm("dev-a"), alarm)]));
    await kicked;

    const honest = await h.device("dev-c");
    const received = nextMessage(gateway, topics.alarm("dev-c"));
    await honest.publishAsync(topics.alarm("dev-c"), alarm, { qos: 1 });
    await received;
    expect(messages.map((m) => m.topic)).toEqual([topics.alarm("dev-c")]);
    expect(await h.refusals(ErrorCodes.MQTT_ACL_DENIED)).toBe(1);
  });

  it("grants failure (0x80) to a device subscribing to another device's ack, and keeps it connected", async () => {
    const h = await startBroker();
    const device = await h.device("dev-a");
    // mqtt.js rejects a SUBACK carrying 0x80, with the packet attached
    await expect(device.subscribeAsync(topics.ack("dev-b"), { qos: 1 })).rejects.toMatchObject({ packet: { granted: [128] } });
    const own = await device.subscribeAsync([topics.ack("dev-a"), topics.cmd("dev-a")], { qos: 1 });
    expect(own.map((g) => g.qos)).toEqual([1, 1]);
    expect(device.connected).toBe(true);
    expect(await h.refusals(ErrorCodes.MQTT_ACL_DENIED)).toBe(1);
  });

  it("refuses a device's wildcard subscription", async () => {
    const h = await startBroker();
    const device = await h.device("dev-a");
    await expect(device.subscribeAsync(topics.allAlarms, { qos: 1 })).rejects.toMatchObject({ packet: { granted: [128] } });
    expect(device.connected).toBe(true);
  });

  it("lets the service publish to a device's ack, which only that device receives", async () => {
    const h = await startBroker();
    const a = await h.device("dev-a");
    const b = await h.device("dev-b");
    await a.subscribeAsync(topics.ack("dev-a"), { qos: 1 });
    await b.subscribeAsync(topics.ack("dev-b"), { qos: 1 });
    const bMessages = inbox(b);
    const gateway = await h.service();
    const received = nextMessage(a, topics.ack("dev-a"));
    await gateway.publishAsync(topics.ack("dev-a"), '{"seq":1}', { qos: 1 });
    expect(await received).toBe('{"seq":1}');
    expect(bMessages).toEqual([]);
  });

  it("disconnects a device publishing a retained alarm; its retained status says it left, and no alarm is retained", async () => {
    const h = await startBroker();
    const device = await h.device("dev-a");
    await device.publishAsync(topics.status("dev-a"), '{"online":true}', { qos: 1, retain: true });
    const kicked = closed(device);
    device.publish(topics.alarm("dev-a"), alarm, { qos: 1, retain: true });
    await kicked;
    expect(await h.refusals(ErrorCodes.MQTT_ACL_DENIED)).toBe(1);

    // a subscriber arriving later gets the retained status (offline: the broker cut it off), and no retained alarm
    const gateway = await h.service();
    const status = nextMessage(gateway, topics.status("dev-a"));
    const messages = inbox(gateway);
    await gateway.subscribeAsync([topics.allStatus, topics.allAlarms], { qos: 1 });
    expect(await status).toBe('{"online":false}');
    expect(messages.filter((m) => m.retain).map((m) => m.topic)).toEqual([topics.status("dev-a")]);
  });
});
