import { topics } from "@helpkey/shared";
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, closed, ErrorCodes, inbox, nextMessage, SECRETS, startBroker, track } from "./support";

afterEach(closeAll);

const alarm = (seq: number) => JSON.stringify({ seq, ts: 1, action: "raise", kind: "emergency", trigger: "button" });

describe("packet size limit", () => {
  it("refuses and counts an oversize publish; nothing is forwarded", async () => {
    const h = await startBroker({ maxPacketBytes: 1024 });
    const gateway = await h.service();
    await gateway.subscribeAsync(topics.allAlarms, { qos: 1 });
    const messages = inbox(gateway);
    const device = await h.device("dev-a");
    const kicked = closed(device);
    device.publish(topics.alarm("dev-a"), "x".repeat(2000), { qos: 1 });
    await kicked;

    const other = await h.device("dev-b");
    const received = nextMessage(gateway, topics.alarm("dev-b"));
    await other.publishAsync(topics.alarm("dev-b"), alarm(1), { qos: 1 });
    await received;
    expect(messages.map((m) => m.topic)).toEqual([topics.alarm("dev-b")]);
    expect(await h.refusals(ErrorCodes.MQTT_PACKET_TOO_LARGE)).toBe(1);
  });

  it("accepts a publish just under the limit", async () => {
    const h = await startBroker({ maxPacketBytes: 1024 });
    const gateway = await h.service();
    await gateway.subscribeAsync(topics.allAlarms, { qos: 1 });
    const device = await h.device("dev-a");
    // 1 + 2 (remaining length) + 2 + topic + 2 (packet id) + payload = 1024
    const payload = "y".repeat(1024 - 7 - Buffer.byteLength(topics.alarm("dev-a")));
    const received = nextMessage(gateway, topics.alarm("dev-a"));
    await device.publishAsync(topics.alarm("dev-a"), payload, { qos: 1 });
    expect(await received).toBe(payload);
    expect(await h.refusals(ErrorCodes.MQTT_PACKET_TOO_LARGE)).toBe(0);
  });

  it("closes the connection as soon as a header announces an oversize packet, before its body arrives", async () => {
    const h = await startBroker();
    const device = await h.device("dev-a");
    const kicked = closed(device);
    // PUBLISH QoS 0 announcing 1 MiB (remaining length 0x80 0x80 0x40), then only a few bytes of it
    device.stream.write(Buffer.from([0x30, 0x80, 0x80, 0x40, 0x00, 0x04, 0x61, 0x62]));
    await kicked;
    expect(await h.refusals(ErrorCodes.MQTT_PACKET_TOO_LARGE)).toBe(1);
  });
});

describe("publish rate limit (token bucket per device)", () => {
  it("refuses and counts a flood while another device keeps working", async () => {
    const h = await startBroker({ rateLimit: { perSecond: 0.1, burst: 5 } });
    const gateway = await h.service();
    await gateway.subscribeAsync(topics.allAlarms, { qos: 1 });
    const messages = inbox(gateway);
    const flooder = await h.device("dev-a");
    const steady = await h.device("dev-b");

    const kicked = closed(flooder);
    for (let seq = 1; seq <= 30; seq++) flooder.publish(topics.alarm("dev-a"), alarm(seq), { qos: 0 });
    await kicked;

    const received = nextMessage(gateway, topics.alarm("dev-b"));
    await steady.publishAsync(topics.alarm("dev-b"), alarm(1), { qos: 1 });
    expect(await received).toBe(alarm(1));
    expect(steady.connected).toBe(true);
    // the burst went through, nothing after it
    expect(messages.filter((m) => m.topic === topics.alarm("dev-a"))).toHaveLength(5);
    expect(await h.refusals(ErrorCodes.MQTT_RATE_LIMITED)).toBe(1);
  });

  it("does not hand a fresh burst to a device that reconnects", async () => {
    const h = await startBroker({ rateLimit: { perSecond: 0.1, burst: 2 } });
    const first = await h.device("dev-a");
    const kicked = closed(first);
    for (let seq = 1; seq <= 3; seq++) first.publish(topics.alarm("dev-a"), alarm(seq), { qos: 0 });
    await kicked;

    const again = await h.device("dev-a");
    const kickedAgain = closed(again);
    again.publish(topics.alarm("dev-a"), alarm(4), { qos: 0 });
    await kickedAgain;
    expect(await h.refusals(ErrorCodes.MQTT_RATE_LIMITED)).toBe(2);
  });

  it("does not limit service clients", async () => {
    const h = await startBroker({ rateLimit: { perSecond: 0.1, burst: 2 } });
    const device = await h.device("dev-a");
    await device.subscribeAsync(topics.cmd("dev-a"), { qos: 1 });
    const messages = inbox(device);
    const gateway = await h.service();
    for (let i = 0; i < 10; i++) await gateway.publishAsync(topics.cmd("dev-a"), `{"n":${i}}`, { qos: 1 });
    const last = nextMessage(device, topics.cmd("dev-a"), "last");
    await gateway.publishAsync(topics.cmd("dev-a"), "last", { qos: 1 });
    await last;
    expect(messages).toHaveLength(11);
    expect(await h.refusals(ErrorCodes.MQTT_RATE_LIMITED)).toBe(0);
  });
});

describe("persistent session queue bound (aedes #1087)", () => {
  it("keeps at most offlineQueueLimit messages for an absent clean=false device, then delivers normally", async () => {
    const h = await startBroker({ offlineQueueLimit: 3 });
    const session = { clientId: "dev-a", username: "dev-a", password: SECRETS["dev-a"], clean: false, reconnectPeriod: 0 };
    const before = await h.connect(session);
    await before.subscribeAsync(topics.cmd("dev-a"), { qos: 1 });
    await before.endAsync();

    const gateway = await h.service();
    for (let i = 1; i <= 5; i++) await gateway.publishAsync(topics.cmd("dev-a"), `cmd-${i}`, { qos: 1 });
    expect(await h.metric("hk_mqtt_offline_dropped_total")).toBe(2);

    // listen before CONNACK: the queue is flushed right after it
    const device = track(mqtt.connect(h.broker.url, session));
    const messages = inbox(device);
    const flushed = nextMessage(device, topics.cmd("dev-a"), "cmd-3");
    await new Promise((resolve) => device.once("connect", resolve));
    await flushed;
    const live = nextMessage(device, topics.cmd("dev-a"), "live");
    await gateway.publishAsync(topics.cmd("dev-a"), "live", { qos: 1 });
    await live;
    expect(messages.map((m) => m.payload)).toEqual(["cmd-1", "cmd-2", "cmd-3", "live"]);
  });
});
