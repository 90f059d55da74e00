/**
 * The fleet's light device against a bare MQTT broker, with an observer in the gateway's place: the
 * link dropped after a press (the alarm is published again after the reconnect, same payload,
 * until acked), a reboot (no DISCONNECT: the Last Will; seq kept), a clock hours off, a falling
 * battery and then silence (no DISCONNECT, no keepalive: the broker publishes the Will only when
 * the keepalive lapses), and `cmd selftest` answered with a fresh status.
 */
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { topics } from "@helpkey/shared";
import { hrNow, ScenarioDevice, type ScenarioDeviceHooks } from "../src/fleet/scenario-device";
import { startTestBroker, type TestBroker } from "./test-broker";

let broker: TestBroker;
let gw: MqttClient;
/** Every message the observer saw: topic and payload. */
const seen: { topic: string; payload: string; at: number }[] = [];
let ackAlarms = true;
const devices: ScenarioDevice[] = [];
const SECRETS = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`fl-${i}`, `secret-${i}`]));

beforeAll(async () => {
  broker = await startTestBroker(SECRETS);
  gw = await broker.observer();
  await gw.subscribeAsync([topics.allAlarms, topics.allStatus], { qos: 1 });
  gw.on("message", (topic, payload) => {
    seen.push({ topic, payload: String(payload), at: hrNow() });
    const id = topic.split("/")[3]!;
    if (!topic.endsWith("/alarm") || !ackAlarms) return;
    const { seq } = JSON.parse(String(payload)) as { seq: number };
    void gw.publishAsync(topics.ack(id), JSON.stringify({ seq, alertId: 7, state: "received" }), { qos: 1 });
  });
});
afterEach(() => {
  for (const d of devices.splice(0)) d.stop();
  ackAlarms = true;
});
afterAll(async () => {
  await broker.close();
});

const noHooks: ScenarioDeviceHooks = { ready: () => undefined, acked: () => undefined, sent: () => undefined, closed: () => undefined, refused: () => undefined };

function device(i: number, o: { keepaliveS?: number; seqFrom?: number } = {}): ScenarioDevice {
  const d = new ScenarioDevice(i, { id: `fl-${i}`, secret: `secret-${i}` }, noHooks, { keepaliveS: o.keepaliveS ?? 60, seqFrom: o.seqFrom ?? 100 });
  devices.push(d);
  const u = new URL(broker.url);
  d.start({ host: u.hostname, port: Number(u.port) });
  return d;
}

async function until<T>(f: () => T, what: string, ms = 5_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A retransmission tick as the fleet worker runs it. */
function ticking(d: ScenarioDevice): () => void {
  const t = setInterval(() => d.retransmitDue(hrNow()), 20);
  return () => clearInterval(t);
}

const alarmsOf = (id: string) => seen.filter((m) => m.topic === topics.alarm(id)).map((m) => JSON.parse(m.payload) as { seq: number; ts: number });
const statusesOf = (id: string) => seen.filter((m) => m.topic === topics.status(id)).map((m) => JSON.parse(m.payload) as { online: boolean; battery?: number });

describe("the fleet's light device", () => {
  it("publishes a press again after its link dropped, the same payload, until it is acked", async () => {
    ackAlarms = false;
    const d = device(0);
    await until(() => d.ready, "connect");
    const press = d.press();
    await until(() => alarmsOf("fl-0").length === 1, "the first publish");
    d.dropLink();
    await until(() => !d.ready, "the drop");
    ackAlarms = true;
    await until(() => press.ackAt !== null, "the ack after the reconnect");
    const sent = seen.filter((m) => m.topic === topics.alarm("fl-0"));
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sent.map((m) => m.payload)).size).toBe(1);
    expect(d.drops).toBe(1);
    // the drop was no clean DISCONNECT: the broker published the Last Will
    expect(statusesOf("fl-0")).toContainEqual({ online: false });
  });

  it("keeps seq across a reboot, and the Last Will tells the system it went down", async () => {
    const d = device(1, { seqFrom: 500 });
    await until(() => d.ready, "connect");
    const first = d.press();
    await until(() => first.ackAt !== null, "the first ack");
    d.reboot(100);
    await until(() => statusesOf("fl-1").some((s) => !s.online), "the Last Will");
    await until(() => d.ready, "back after the reboot");
    const second = d.press();
    await until(() => second.ackAt !== null, "the second ack");
    expect(alarmsOf("fl-1").map((a) => a.seq)).toEqual([501, 502]);
    expect(d.reboots).toBe(1);
    expect(statusesOf("fl-1").map((s) => s.online)).toEqual([true, false, true]);
  });

  it("stamps presses with its own clock, hours off", async () => {
    const d = device(2);
    d.clockOffsetMs = -5 * 3_600_000;
    await until(() => d.ready, "connect");
    const before = Date.now();
    const p = d.press();
    await until(() => p.ackAt !== null, "the ack");
    expect(before - alarmsOf("fl-2")[0]!.ts).toBeGreaterThanOrEqual(5 * 3_600_000 - 50);
  });

  it("reports its battery falling, then goes silent without DISCONNECT until the broker's keepalive check drops it", async () => {
    const d = device(3, { keepaliveS: 1 });
    const stopTicks = ticking(d);
    try {
      await until(() => d.ready, "connect");
      for (const level of [40, 12, 3]) d.setBattery(level);
      await until(() => statusesOf("fl-3").length === 4, "four statuses");
      d.goSilent();
      const silentAt = hrNow();
      await until(() => d.droppedAt !== null, "the broker closing the silent connection", 5_000);
      const will = await until(() => seen.find((m) => m.topic === topics.status("fl-3") && JSON.parse(m.payload).online === false), "the Last Will");
      expect(statusesOf("fl-3").map((s) => s.battery ?? null)).toEqual([100, 40, 12, 3, null]);
      // the broker waited for the keepalive to lapse (1.5 × 1 s), as for a dead device
      expect(will.at - silentAt).toBeGreaterThan(1_000);
      expect(d.drops).toBe(1);
    } finally {
      stopTicks();
    }
  });

  it("answers cmd selftest with a fresh status", async () => {
    const d = device(4);
    await until(() => d.ready, "connect");
    await gw.publishAsync(topics.cmd("fl-4"), JSON.stringify({ type: "selftest" }), { qos: 1 });
    await until(() => statusesOf("fl-4").length === 2, "the status after the self-test");
  });
});
