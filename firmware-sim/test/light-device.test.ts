/**
 * The fleet's light device against a real MQTT 3.1.1 broker: its packets (built and parsed with
 * mqtt-packet) must be what the device protocol asks for, since the bench measures the server with it.
 * Retransmission and keepalive are driven by the fleet's ticker, so the tests call them with a chosen `now`.
 */
import { EventEmitter, once } from "node:events";
import type { AckPayload } from "@helpkey/shared";
import { alarmPayloadSchema, parsePayload, topics } from "@helpkey/shared";
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hrNow, LightDevice, type LightDeviceHooks } from "../src/fleet/light-device";
import { startTestBroker, type TestBroker } from "./test-broker";

const SECRET = "light-s3cret";
let broker: TestBroker;
let observer: MqttClient;
let port: number;
const devices: LightDevice[] = [];

beforeAll(async () => {
  broker = await startTestBroker({ "lt-1": SECRET, "lt-2": SECRET, "lt-3": SECRET, "lt-4": SECRET });
  observer = await broker.observer();
  port = Number(new URL(broker.url).port);
});
afterAll(async () => {
  await broker.close();
});
afterEach(() => {
  for (const d of devices.splice(0)) d.stop();
});

/** The hooks as events, so a test waits for exactly what it expects. */
class Recorder extends EventEmitter implements LightDeviceHooks {
  /** Every PUBLISH of an alarm: [seq, attempt]. */
  readonly publishes: [number, number][] = [];
  ready(): void {
    this.emit("ready");
  }
  acked(_d: LightDevice, _seq: number, ack: AckPayload): void {
    this.emit("acked", ack);
  }
  sent(_d: LightDevice, seq: number, attempt: number): void {
    this.publishes.push([seq, attempt]);
  }
  closed(): void {}
  refused(_d: LightDevice, returnCode: number): void {
    this.emit("refused", returnCode);
  }
}

function start(id: string, secret = SECRET): { d: LightDevice; rec: Recorder } {
  const rec = new Recorder();
  const d = new LightDevice(0, id, secret, rec);
  devices.push(d);
  d.start({ host: "127.0.0.1", port });
  return { d, rec };
}

/** Resolves once `ok()` holds, looked at every few ms (the thing awaited has no event of its own). */
function until(ok: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const look = () => (ok() ? resolve() : setTimeout(look, 5));
    look();
  });
}

/** The next message on `topic` the observer (subscribed to it) receives, parsed. */
function nextOn(topic: string): Promise<unknown> {
  return new Promise((resolve) => {
    const on = (t: string, payload: Buffer) => {
      if (t !== topic) return;
      observer.off("message", on);
      resolve(JSON.parse(payload.toString()));
    };
    observer.on("message", on);
  });
}

/** Every alarm seq the broker routes for `id`. */
async function watchAlarms(id: string): Promise<number[]> {
  const seqs: number[] = [];
  observer.on("message", (topic, payload) => {
    const p = parsePayload(alarmPayloadSchema, payload);
    if (topic === topics.alarm(id) && p.ok) seqs.push(p.value.seq);
  });
  await observer.subscribeAsync(topics.alarm(id), { qos: 1 });
  return seqs;
}

describe("light device", () => {
  it("connects with its id and secret, publishes a retained online status and leaves a will", async () => {
    await observer.subscribeAsync(topics.status("lt-1"), { qos: 1 });
    const live = nextOn(topics.status("lt-1"));
    const { d, rec } = start("lt-1");
    await once(rec, "ready");
    expect(await live).toMatchObject({ online: true });
    // retained: a client that subscribes later is told at once
    const late = await broker.observer();
    const retained = new Promise<boolean>((resolve) => late.on("message", (_t, _p, packet) => resolve(packet.retain)));
    await late.subscribeAsync(topics.status("lt-1"), { qos: 1 });
    expect(await retained).toBe(true);

    // the socket dies without DISCONNECT: the broker publishes the will
    const will = nextOn(topics.status("lt-1"));
    d.socket!.destroy();
    expect(await will).toEqual({ online: false });
  });

  it("retransmits an alarm on the protocol's schedule until its ack, PUBACKs the ack, then stops", async () => {
    const seqs = await watchAlarms("lt-2");
    const { d, rec } = start("lt-2");
    await once(rec, "ready");
    const acksFrom: string[] = [];
    broker.broker.on("ack", (_packet, client) => acksFrom.push(client.id));

    const seq = d.press();
    const t0 = hrNow();
    // 2 s after the press, then 4 s after the retransmission; each is timed from the real clock when
    // it leaves, and this test's calls follow each other within a millisecond or so
    d.retransmitDue(t0 + 1_900);
    expect(rec.publishes).toEqual([[seq, 1]]);
    d.retransmitDue(t0 + 2_100);
    d.retransmitDue(t0 + 3_900);
    expect(rec.publishes).toEqual([[seq, 1], [seq, 2]]);
    d.retransmitDue(t0 + 4_300);
    expect(rec.publishes).toEqual([[seq, 1], [seq, 2], [seq, 3]]);

    const acked = once(rec, "acked");
    await observer.publishAsync(topics.ack("lt-2"), JSON.stringify({ seq, alertId: 7, state: "received" }), { qos: 1 });
    expect((await acked)[0]).toMatchObject({ seq, alertId: 7, state: "received" });
    expect(d.pending.size).toBe(0);
    d.retransmitDue(t0 + 600_000);

    // a later press is routed after anything the device published before it
    const next = d.press();
    await until(() => seqs.includes(next));
    expect(seqs).toEqual([seq, seq, seq, next]);
    expect(acksFrom).toContain("lt-2");
  });

  it("reports CONNACK 4 for a wrong secret", async () => {
    const { rec } = start("lt-3", "wrong");
    expect((await once(rec, "refused"))[0]).toBe(4);
  });

  it("sends PINGREQ after a keepalive of silence and takes the PINGRESP", async () => {
    const { d, rec } = start("lt-4");
    await once(rec, "ready");
    d.keepalive(hrNow() + 60_000);
    expect(d.link.pingSince).toBeGreaterThan(0);
    await until(() => d.link.pingSince === 0);
    expect(d.pingTimeouts).toBe(0);
  });
});
