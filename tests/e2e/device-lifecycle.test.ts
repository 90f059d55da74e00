/**
 * A device's life on the real system, seen by a real MQTT client: the secret is issued once and its
 * time recorded; rotation lets the new secret in and refuses the old one; revocation cuts the live
 * session at once and refuses the same secret at CONNACK; a move sends the next press to the new
 * household while the open alert stays with the old; bulk provisioning hands the installer a sheet
 * whose secrets work and which the audit trail never holds.
 */
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AlertView } from "@helpkey/shared";
import { createHousehold, type Household } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, type TestSystem } from "../helpers/system";

let sys: TestSystem;
const clients: MqttClient[] = [];
beforeEach(async () => {
  sys = await startTestSystem();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.end(true);
  await sys.close();
});

type DeviceView = { id: string; householdId: number; revokedAt: number | null; secretIssuedAt: number | null; createdAt: number };

/** A CONNECT as the device: the live client, or the CONNACK's refusal code. */
async function connect(id: string, secret: string): Promise<{ client: MqttClient } | { refused: number | undefined }> {
  try {
    const client = await mqtt.connectAsync(sys.mqttUrl, { clientId: id, username: id, password: secret, reconnectPeriod: 0 });
    clients.push(client);
    return { client };
  } catch (e) {
    return { refused: (e as { code?: number }).code };
  }
}
const connected = async (id: string, secret: string) => {
  const r = await connect(id, secret);
  if (!("client" in r)) throw new Error(`${id} refused with ${r.refused}`);
  return r.client;
};
const closedOf = (c: MqttClient) => new Promise<void>((resolve) => c.once("close", () => resolve()));
const auditRows = (entityId: string) =>
  sys.ctx.db.$client.prepare("SELECT action, at, before, after FROM audit_log WHERE entity = 'device' AND entity_id = ? ORDER BY id").all(entityId) as { action: string; at: number; before: string | null; after: string | null }[];

describe("secrets", () => {
  it("provisioning and rotation record when the secret was issued; the new secret connects, the old one is refused", async () => {
    const home = await createHousehold(sys.api, { contacts: [{ name: "Daughter", phone: "+8613800081001", priority: 1 }] });
    const first = (await sys.api<DeviceView>("GET", `/api/devices/${home.device.id}`)).body;
    expect(first.secretIssuedAt).toBe(first.createdAt);

    const session = await connected(home.device.id, home.device.secret);
    const cut = closedOf(session);
    const rotated = await sys.api<{ id: string; secret: string }>("POST", `/api/devices/${home.device.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    await cut; // the session the old secret opened ends with it
    const after = (await sys.api<DeviceView>("GET", `/api/devices/${home.device.id}`)).body;

    await connected(home.device.id, rotated.body.secret);
    expect(await connect(home.device.id, home.device.secret)).toEqual({ refused: 4 });

    const audit = auditRows(home.device.id);
    expect(audit.map((r) => r.action)).toEqual(["create", "update"]);
    // the rotation's own time (a connect and a disconnect after the provisioning)
    expect(after.secretIssuedAt).toBe(audit[1]!.at);
    expect(after.secretIssuedAt).toBeGreaterThan(first.secretIssuedAt!);
    for (const r of audit) for (const text of [r.before, r.after]) {
      expect(text ?? "").not.toContain(home.device.secret);
      expect(text ?? "").not.toContain(rotated.body.secret);
      expect(text ?? "").not.toContain("secretHash");
    }
  });

  it("revocation cuts the live session at once, and the same secret is refused at CONNACK", async () => {
    const home = await createHousehold(sys.api, { contacts: [{ name: "Daughter", phone: "+8613800081002", priority: 1 }] });
    const session = await connected(home.device.id, home.device.secret);
    const cut = closedOf(session);
    expect((await sys.api("DELETE", `/api/devices/${home.device.id}`)).status).toBe(204);
    // the client's keepalive is 60 s and it never reconnects: only the gateway's cut can close it now
    await cut;

    const r = await connect(home.device.id, home.device.secret);
    expect(r).toHaveProperty("refused");
    expect([4, 5]).toContain((r as { refused: number }).refused);
    expect((await sys.api<DeviceView>("GET", `/api/devices/${home.device.id}`)).body.revokedAt).not.toBeNull();
    // a revoked device can't be rotated, moved or put in maintenance
    expect((await sys.api("POST", `/api/devices/${home.device.id}/rotate-secret`)).status).toBe(404);
    expect((await sys.api("PATCH", `/api/devices/${home.device.id}`, { householdId: home.householdId })).status).toBe(404);
    expect((await sys.api("POST", `/api/devices/${home.device.id}/maintenance`, { on: true })).status).toBe(404);
    expect(auditRows(home.device.id).map((a) => a.action)).toEqual(["create", "delete"]);
  });
});

describe("moving a device", () => {
  let a: Household;
  let b: Household;
  beforeEach(async () => {
    a = await createHousehold(sys.api, { contacts: [{ name: "A", phone: "+8613800082001", priority: 1 }] });
    b = await createHousehold(sys.api, { contacts: [{ name: "B", phone: "+8613800082002", priority: 1 }] });
  });

  it("its next press raises an alert for the new household; the open alert it raised stays with the old one", async () => {
    const device = await connectSim(sys.mqttUrl, a.device.id, a.device.secret);
    try {
      const before = await device.waitForAck(device.press().seq, "received", 5000);
      const moved = await sys.api<DeviceView>("PATCH", `/api/devices/${a.device.id}`, { householdId: b.householdId });
      expect(moved.status).toBe(200);
      expect(moved.body.householdId).toBe(b.householdId);
      // the same live session: the gateway reads the device's household afresh after the move
      const after = await device.waitForAck(device.press().seq, "received", 5000);
      expect(after.alertId).not.toBe(before.alertId);
      const oldAlert = (await sys.api<AlertView>("GET", `/api/alerts/${before.alertId}`)).body;
      const newAlert = (await sys.api<AlertView>("GET", `/api/alerts/${after.alertId}`)).body;
      expect(oldAlert).toMatchObject({ householdId: a.householdId, state: "open", pressCount: 1 });
      expect(newAlert).toMatchObject({ householdId: b.householdId, state: "open", deviceId: a.device.id, pressCount: 1 });
    } finally {
      await device.close();
    }
    const audit = auditRows(a.device.id).at(-1)!;
    expect(audit.action).toBe("update");
    expect([JSON.parse(audit.before!).householdId, JSON.parse(audit.after!).householdId]).toEqual([a.householdId, b.householdId]);
  });

  it("to a household that does not exist is a 400 naming the field; an unknown device is a 404", async () => {
    const r = await sys.api<{ error: { code: string; field: string } }>("PATCH", `/api/devices/${a.device.id}`, { householdId: 999_999 });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: "HK_BAD_REQUEST", field: "householdId" });
    expect((await sys.api("PATCH", `/api/devices/${a.device.id}`, { householdId: "2" })).status).toBe(400);
    expect((await sys.api("PATCH", "/api/devices/btn-nosuchdevice", { householdId: b.householdId })).status).toBe(404);
    expect((await sys.api<DeviceView>("GET", `/api/devices/${a.device.id}`)).body.householdId).toBe(a.householdId);
    // only an administrator moves devices
    expect((await sys.api("PATCH", `/api/devices/${a.device.id}`, { householdId: b.householdId }, "")).status).toBe(401);
  });
});
