import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { alarmPayloadSchema, parsePayload, statusPayloadSchema, topics, type AlarmPayload, type StatusPayload } from "@helpkey/shared";
import { createSimDevice, type SimDevice, type SimDeviceOptions } from "../src/device";
import { startTestBroker, type TestBroker } from "./test-broker";

const SECRET = "s3cret-s3cret";
let broker: TestBroker;
let observer: MqttClient;
let stateDir: string;
const devices: SimDevice[] = [];

beforeAll(async () => {
  broker = await startTestBroker({ "btn-101": SECRET, "btn-102": SECRET, "btn-103": SECRET, "btn-104": SECRET, "btn-105": SECRET, "stb-106": SECRET });
  observer = await broker.observer();
  stateDir = mkdtempSync(join(tmpdir(), "hk-sim-"));
});
afterAll(async () => {
  await broker.close();
  rmSync(stateDir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.close()));
});

function device(id: string, extra: Partial<SimDeviceOptions> = {}): SimDevice {
  const d = createSimDevice({ url: broker.url, id, secret: SECRET, stateDir, reconnectJitterMs: 10, reconnectBaseMs: 20, ...extra });
  devices.push(d);
  return d;
}

/** Every alarm PUBLISH the broker routes for `id`, as a subscriber sees it. */
async function watchAlarms(id: string): Promise<AlarmPayload[]> {
  const seen: AlarmPayload[] = [];
  observer.on("message", (topic, payload) => {
    if (topic !== topics.alarm(id)) return;
    const p = parsePayload(alarmPayloadSchema, payload);
    if (p.ok) seen.push(p.value);
  });
  await observer.subscribeAsync(topics.alarm(id), { qos: 1 });
  return seen;
}

async function ack(id: string, seq: number, state = "received"): Promise<void> {
  await observer.publishAsync(topics.ack(id), JSON.stringify({ seq, alertId: 12, state }), { qos: 1 });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(f: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(10);
  }
}

describe("sim device", () => {
  it("publishes retained status on connect and keeps seq across two instances with the same state dir", async () => {
    const statuses: StatusPayload[] = [];
    observer.on("message", (topic, payload) => {
      const p = parsePayload(statusPayloadSchema, payload);
      if (topic === topics.status("btn-101") && p.ok) statuses.push(p.value);
    });
    await observer.subscribeAsync(topics.status("btn-101"), { qos: 1 });
    const seen = await watchAlarms("btn-101");

    const a = device("btn-101", { battery: 87 });
    await a.waitForConnect();
    const first = a.press();
    const second = a.press({ kind: "medical" });
    expect(second.seq).toBe(first.seq + 1);
    await until(() => seen.length >= 2);
    await ack("btn-101", first.seq);
    await ack("btn-101", second.seq);
    await a.waitForAck(second.seq);
    await a.close();

    const b = device("btn-101");
    await b.waitForConnect();
    const third = b.press();
    expect(third.seq).toBe(second.seq + 1);
    await until(() => statuses.filter((s) => s.online).length >= 2);
    expect(statuses[0]).toMatchObject({ online: true, battery: 87, power: "mains" });
    const file = JSON.parse(readFileSync(join(stateDir, "btn-101.json"), "utf8"));
    expect(file.seq).toBe(third.seq);
  });

  it("retransmits an unacked alarm with the same seq on backoff and stops after the ack", async () => {
    const seen = await watchAlarms("btn-102");
    const d = device("btn-102", { backoffBaseMs: 50, backoffCapMs: 200 });
    await d.waitForConnect();
    const { seq } = d.press({ kind: "fire" });
    // publishes at 0, 50, 150, 350 ms
    await until(() => seen.length >= 4, 3_000);
    expect(seen.every((a) => a.seq === seq && a.kind === "fire")).toBe(true);
    expect(new Set(seen.map((a) => a.ts)).size).toBe(1); // the same alarm, not a new press

    const acked = d.waitForAck(seq);
    await ack("btn-102", seq);
    expect(await acked).toMatchObject({ seq, state: "received", alertId: 12 });
    expect(d.pending).toHaveLength(0);
    const count = seen.length;
    // the barrier: a second press published four times spans more than the backoff cap, so the first
    // alarm, had it not stopped, would have been published again meanwhile
    const next = d.press({ kind: "fire" });
    await until(() => seen.filter((a) => a.seq === next.seq).length >= 4, 3_000);
    expect(seen.filter((a) => a.seq === seq)).toHaveLength(count);
  });

  it("resumes the pending queue after a restart and sends it at once", async () => {
    const seen = await watchAlarms("btn-103");
    const a = device("btn-103", { backoffBaseMs: 10_000 });
    await a.waitForConnect();
    const { seq } = a.press();
    await until(() => seen.length >= 1);
    await a.kill();
    expect(JSON.parse(readFileSync(join(stateDir, "btn-103.json"), "utf8")).pending).toHaveLength(1);

    const b = device("btn-103", { backoffBaseMs: 10_000 });
    expect(b.pending.map((p) => p.seq)).toEqual([seq]);
    await until(() => seen.length >= 2);
    expect(seen[1]!.seq).toBe(seq);
    await ack("btn-103", seq, "acknowledged");
    await b.waitForAck(seq, "acknowledged");
    await until(() => b.pending.length === 0);
    expect(JSON.parse(readFileSync(join(stateDir, "btn-103.json"), "utf8")).pending).toEqual([]);
  });

  it("republishes pending alarms after a reconnect", async () => {
    const seen = await watchAlarms("btn-105");
    const d = device("btn-105", { backoffBaseMs: 60_000 });
    await d.waitForConnect();
    const { seq } = d.press();
    await until(() => seen.length >= 1);
    const offline = new Promise<void>((r) => d.once("offline", () => r()));
    // the broker drops the device's socket (network blip)
    for (const c of Object.values((broker.broker as unknown as { clients: Record<string, { id: string; conn: { destroy(): void } }> }).clients)) {
      if (c.id === "btn-105") c.conn.destroy();
    }
    await offline;
    await d.waitForConnect();
    await until(() => seen.length >= 2);
    expect(seen[1]!.seq).toBe(seq);
  });

  it("fires the Last Will on kill() but not on close()", async () => {
    const got: StatusPayload[] = [];
    observer.on("message", (topic, payload) => {
      const p = parsePayload(statusPayloadSchema, payload);
      if (topic === topics.status("btn-104") && p.ok) got.push(p.value);
    });
    await observer.subscribeAsync(topics.status("btn-104"), { qos: 1 });
    const a = device("btn-104");
    await a.waitForConnect();
    await until(() => got.some((s) => s.online));
    await a.close();

    // the barrier: b's status comes after anything a's end left on the topic
    const b = device("btn-104");
    await b.waitForConnect();
    await until(() => got.filter((s) => s.online).length >= 2);
    expect(got.some((s) => !s.online)).toBe(false);
    await b.kill();
    await until(() => got.some((s) => !s.online));
    expect(got.at(-1)).toEqual({ online: false });
  });

  it("reports a refused connection for a wrong secret", async () => {
    const d = device("btn-101", { secret: "wrong" });
    const refused = await new Promise<{ code: number }>((r) => d.once("refused", r));
    expect(refused.code).toBe(4);
  });

  it("emits commands and connects from the given source address", async () => {
    const d = device("stb-106", { localAddress: "127.0.0.2" });
    await d.waitForConnect();
    const clients = (broker.broker as unknown as { clients: Record<string, { id: string; conn: { remoteAddress?: string } }> }).clients;
    expect(Object.values(clients).find((c) => c.id === "stb-106")?.conn.remoteAddress).toBe("127.0.0.2");
    const cmd = new Promise((r) => d.once("cmd", r));
    await observer.publishAsync(topics.cmd("stb-106"), JSON.stringify({ type: "display", text: "女儿正在赶来 10:02" }), { qos: 1 });
    expect(await cmd).toEqual({ type: "display", text: "女儿正在赶来 10:02" });
  });
});
