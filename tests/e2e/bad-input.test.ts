/**
 * Refusals: wrong password, another device's topic, malformed and schema-invalid payloads, revoked
 * devices — each refused and counted while others keep working.
 */
import mqtt from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AlertView } from "@helpkey/shared";
import { createHousehold, type Household } from "../helpers/community";
import { alarm, connectRaw, connectSim } from "../helpers/device";
import { metric as readMetric, type Labels } from "../helpers/metrics";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem;
let a: Household;
let b: Household;

const metric = (name: string, labels?: Labels) => readMetric(sys.httpUrl, name, labels);

beforeEach(async () => {
  sys = await startTestSystem();
  a = await createHousehold(sys.api, { contacts: [{ name: "A1", phone: "+8613800001001", priority: 1 }] });
  b = await createHousehold(sys.api, { contacts: [{ name: "B1", phone: "+8613800002001", priority: 1 }] });
});
afterEach(async () => {
  await sys.close();
});

describe("device authentication", () => {
  it("a wrong password is refused at CONNACK", async () => {
    const err = await mqtt.connectAsync(sys.mqttUrl, { clientId: a.device.id, username: a.device.id, password: "wrong", reconnectPeriod: 0 }).then(
      (c) => { c.end(true); return null; },
      (e: Error & { code?: number }) => e,
    );
    expect(err).not.toBeNull();
    expect([4, 5]).toContain(err!.code);
    expect(await metric("hk_mqtt_refusals_total", { reason: "HK_MQTT_AUTH_FAILED" })).toBe(1);
  });

  it("a revoked device can't connect, and is disconnected when revoked", async () => {
    const device = await connectSim(sys.mqttUrl, a.device.id, a.device.secret);
    const offline = new Promise<void>((r) => device.once("offline", () => r()));
    expect((await sys.api("DELETE", `/api/devices/${a.device.id}`)).status).toBe(204);
    await offline;
    await device.close();
    const err = await mqtt.connectAsync(sys.mqttUrl, { clientId: a.device.id, username: a.device.id, password: a.device.secret, reconnectPeriod: 0 }).then(
      (c) => { c.end(true); return null; },
      (e: Error & { code?: number }) => e,
    );
    expect(err?.code).toBeOneOf([4, 5]);
  });
});

describe("topic ACL and payload validation", () => {
  it("a device publishing to another device's topic is disconnected and nothing is stored", async () => {
    const { client } = await connectRaw(sys.mqttUrl, a.device.id, a.device.secret);
    const closed = new Promise<void>((r) => client.once("close", () => r()));
    client.publish(`hk/v1/dev/${b.device.id}/alarm`, alarm(1), { qos: 1 });
    await closed;
    client.end(true);
    await waitFor(async () => (await metric("hk_mqtt_refusals_total", { reason: "HK_MQTT_ACL_DENIED" })) === 1, 5000, "the refusal counted");
    // the barrier: B's own press after the refused one is stored, so the refused one had its turn
    const own = await connectSim(sys.mqttUrl, b.device.id, b.device.secret);
    const ack = await own.waitForAck(own.press().seq, "received", 5000);
    await own.close();
    expect((await sys.api<AlertView[]>("GET", "/api/alerts")).body.map((x) => x.id)).toEqual([ack.alertId]);
  });

  it("malformed JSON and schema-invalid payloads are rejected and counted; other devices keep being served", async () => {
    const bad = await connectRaw(sys.mqttUrl, a.device.id, a.device.secret);
    const topic = `hk/v1/dev/${a.device.id}/alarm`;
    await bad.client.publishAsync(topic, "{not json", { qos: 1 });
    await bad.client.publishAsync(topic, JSON.stringify({ seq: -1, ts: 1, action: "explode", kind: "emergency", trigger: "button" }), { qos: 1 });
    await bad.client.publishAsync(topic, JSON.stringify({ seq: "x" }), { qos: 1 });
    await waitFor(async () => (await metric("hk_ingest_rejected_total", { code: "HK_MQTT_BAD_JSON" })) === 1 && (await metric("hk_ingest_rejected_total", { code: "HK_MQTT_SCHEMA" })) === 2, 5000, "rejections counted");
    expect(bad.acks).toEqual([]);

    const good = await connectSim(sys.mqttUrl, b.device.id, b.device.secret);
    const ack = await good.waitForAck(good.press().seq, "received", 5000);
    expect(ack.state).toBe("received");
    const alerts = (await sys.api<AlertView[]>("GET", "/api/alerts")).body;
    expect(alerts.map((x) => x.householdId)).toEqual([b.householdId]);
    expect((await fetch(`${sys.httpUrl}/healthz`)).status).toBe(200);
    await good.close();
    await bad.client.endAsync();
  });
});

describe("metrics", () => {
  it("counts presses, alerts by state, outbox depth and connections", async () => {
    // the text fails once, so it waits in the outbox for its retry while the test reads the depth
    sys.phone!.failNext(1, { status: 503 }, { request: "sms" });
    const device = await connectSim(sys.mqttUrl, a.device.id, a.device.secret);
    await device.waitForAck(device.press().seq, "received", 5000);
    expect(await metric("hk_presses_total", { result: "created" })).toBe(1);
    expect(await metric("hk_alerts", { state: "open" })).toBe(1);
    expect(await metric("hk_alerts", { state: "resolved" })).toBe(0);
    expect(await metric("hk_mqtt_connections")).toBeGreaterThanOrEqual(2);
    // the press's text and call are rows of the outbox until the phone network has them
    const rows = (ch: string) => (sys.ctx.db.$client.prepare("SELECT count(*) AS n FROM notifications WHERE channel = ? AND status IN ('queued', 'sending')").get(ch) as { n: number }).n;
    const retrying = () => sys.ctx.db.$client.prepare("SELECT attempts FROM notifications WHERE channel = 'sms' AND status = 'queued' AND attempts = 1").get();
    // read while the text is known to wait (before and after the scrape): the depth is exactly 1
    await waitFor(async () => retrying() && (await metric("hk_outbox_depth", { channel: "sms" })) === 1 && retrying(), 5000, "depth 1 while the text waits");
    await waitFor(() => sys.phone!.messages.length === 1 && sys.phone!.calls.length === 1 && rows("sms") + rows("call") === 0, 5000, "the text and the call sent");
    // the scrape reads the queue at most every 2 s, so the empty queue shows within that
    await waitFor(async () => (await metric("hk_outbox_depth", { channel: "sms" })) === 0 && (await metric("hk_outbox_depth", { channel: "call" })) === 0, 5000, "depth 0");
    await device.close();
  });
});

describe("HTTP input", () => {
  it("requires the admin token and answers bad bodies with 400 and the field", async () => {
    expect((await sys.api("GET", "/api/alerts", undefined, "nope-nope-nope")).status).toBe(401);
    expect((await sys.api("GET", "/api/alerts", undefined, "")).status).toBe(401);
    const r = await sys.api<{ error: { code: string; field: string } }>("POST", "/api/contacts", { householdId: a.householdId, name: "X", phone: "12345", relation: "son", priority: 1 });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: "HK_BAD_REQUEST", field: "phone" });
    const missing = await sys.api<{ error: { code: string } }>("GET", "/api/alerts/99999");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("HK_NOT_FOUND");
    const orphan = await sys.api<{ error: { field: string } }>("POST", "/api/buildings", { communityId: 99999, name: "B" });
    expect(orphan.status).toBe(400);
    expect(orphan.body.error.field).toBe("communityId");
  });

  it("lists and filters the directory by parent, and shows a device's secret only once", async () => {
    const units = await sys.api<{ id: number; buildingId: number }[]>("GET", `/api/units?buildingId=${a.buildingId}`);
    expect(units.body.map((u) => u.id)).toEqual([a.unitId]);
    const dev = await sys.api<Record<string, unknown>>("GET", `/api/devices/${a.device.id}`);
    expect(dev.status).toBe(200);
    expect(dev.body).not.toHaveProperty("secret");
    expect(dev.body).not.toHaveProperty("secretHash");
    const rotated = await sys.api<{ secret: string }>("POST", `/api/devices/${a.device.id}/rotate-secret`);
    expect(rotated.body.secret).not.toBe(a.device.secret);
    const err = await mqtt.connectAsync(sys.mqttUrl, { clientId: a.device.id, username: a.device.id, password: a.device.secret, reconnectPeriod: 0 }).then(() => null, (e: Error) => e);
    expect(err).not.toBeNull();
  });
});

describe("ids and numbers are parsed strictly", () => {
  it("refuses ids that are not positive integers, in bodies, paths and queries, naming the field", async () => {
    for (const communityId of [true, [1], "1", "0x1", " 1 ", 0, -1, 1.5, 2 ** 60]) {
      const r = await sys.api<{ error: { code: string; field: string } }>("POST", "/api/buildings", { communityId, name: "B" });
      expect(r.status, JSON.stringify(communityId)).toBe(400);
      expect(r.body.error).toMatchObject({ code: "HK_BAD_REQUEST", field: "communityId" });
    }
    for (const id of ["0x1", "1e3", "01", "%201", "-1", "0", "1.0", "99999999999999999999"]) {
      const r = await sys.api<{ error: { code: string; field: string } }>("GET", `/api/alerts/${id}`);
      expect(r.status, id).toBe(400);
      expect(r.body.error.field).toBe("id");
    }
    for (const q of ["limit=1e3", "limit=0x10", "since=-1", "communityId=true", "limit=%201"]) {
      const r = await sys.api<{ error: { code: string } }>("GET", `/api/alerts?${q}`);
      expect(r.status, q).toBe(400);
    }
    // what is valid still is
    expect((await sys.api("GET", `/api/units?buildingId=${a.buildingId}&`)).status).toBe(200);
    expect((await sys.api("GET", "/api/alerts?limit=10&since=0")).status).toBe(200);
  });

  it("a PATCH changes only the fields it names (no default resets another)", async () => {
    const created = await sys.api<{ id: number; language: string }>("POST", "/api/residents", { householdId: a.householdId, name: "Mr Chen", language: "en" });
    expect(created.body.language).toBe("en");
    const patched = await sys.api<{ name: string; language: string }>("PATCH", `/api/residents/${created.body.id}`, { name: "Mr Chen Senior" });
    expect(patched.body).toMatchObject({ name: "Mr Chen Senior", language: "en" });
  });
});
