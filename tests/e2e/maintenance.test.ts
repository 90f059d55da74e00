/**
 * Maintenance on the real system: a press from a device or household in maintenance is stored, acked
 * and on the console marked "maintenance", and nobody is texted or called — neither at the press nor
 * when a dispatcher handles it. Out of maintenance, presses notify as usual, and one that joins an
 * alert raised in maintenance turns it into an ordinary alarm.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AlertView, ConsoleEvent } from "@helpkey/shared";
import { pressBarrier } from "../helpers/barrier";
import { createHousehold, type Household } from "../helpers/community";
import { openConsole, type ConsoleClient } from "../helpers/console-client";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem;
let home: Household;
let console_: ConsoleClient;
const PHONE = "+8613800083001";

beforeEach(async () => {
  sys = await startTestSystem();
  home = await createHousehold(sys.api, { contacts: [{ name: "Daughter", phone: PHONE, priority: 1 }] });
  sys.phone!.setPerson(PHONE, { never: true });
  console_ = await openConsole(sys.httpUrl);
});
afterEach(async () => {
  await console_.close();
  await sys.close();
});

const alertRow = (id: number) => sys.ctx.db.$client.prepare("SELECT maintenance, cascade_due_at AS due FROM alerts WHERE id = ?").get(id) as { maintenance: number; due: number | null };
const notificationCount = (alertId: number) => (sys.ctx.db.$client.prepare("SELECT count(*) AS n FROM notifications WHERE alert_id = ?").get(alertId) as { n: number }).n;
const consoleAlert = async (type: ConsoleEvent["type"], alertId: number) => {
  const frame = await console_.waitFor((f) => f.type !== "snapshot" && f.type === type && f.alert?.id === alertId);
  return (frame as ConsoleEvent).alert!;
};
const reached = (alertId: number) => waitFor(() => sys.phone!.messages.some((m) => m.to === PHONE && m.body.includes(`#${alertId}`)) && sys.phone!.calls.some((c) => c.to === PHONE), 10_000, "the contact's alarm text and call");

/** Presses once and waits for `received`. */
async function press(): Promise<number> {
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  try {
    return (await device.waitForAck(device.press().seq, "received", 5000)).alertId;
  } finally {
    await device.close();
  }
}

describe("a device in maintenance", () => {
  it("its press reaches the console marked maintenance and is acked, nobody is told even as it is handled; off again, a press notifies", async () => {
    const on = await sys.api<{ maintenanceAt: number | null }>("POST", `/api/devices/${home.device.id}/maintenance`, { on: true });
    expect(on.status).toBe(200);
    expect(on.body.maintenanceAt).toEqual(expect.any(Number));

    const alertId = await press();
    expect((await consoleAlert("alert.created", alertId)).maintenance).toBe(true);
    expect(alertRow(alertId)).toEqual({ maintenance: 1, due: null });
    // another household's press has had its text and call: anything due for ours has had its turn
    await pressBarrier(sys);
    expect(notificationCount(alertId)).toBe(0);
    // a dispatcher's acknowledge and resolve tell nobody either (they queue in their own transaction)
    expect((await sys.api("POST", `/api/alerts/${alertId}/acknowledge`)).status).toBe(200);
    expect((await sys.api("POST", `/api/alerts/${alertId}/resolve`, { outcome: "test" })).status).toBe(200);
    expect(notificationCount(alertId)).toBe(0);
    expect(sys.phone!.messages.filter((m) => m.to === PHONE)).toEqual([]);

    expect((await sys.api<{ maintenanceAt: number | null }>("POST", `/api/devices/${home.device.id}/maintenance`, { on: false })).body.maintenanceAt).toBeNull();
    const next = await press();
    expect((await consoleAlert("alert.created", next)).maintenance).toBe(false);
    await reached(next);
    const audit = sys.ctx.db.$client.prepare("SELECT action, after FROM audit_log WHERE entity = 'device' AND entity_id = ? AND action = 'update' ORDER BY id").all(home.device.id) as { after: string }[];
    expect(audit.map((a) => JSON.parse(a.after).maintenanceAt === null)).toEqual([false, true]);
  });
});

describe("a household in maintenance", () => {
  it("any of its devices' presses is a maintenance alert; a press after maintenance ends joins it and the alarm goes out", async () => {
    expect((await sys.api("POST", `/api/households/${home.householdId}/maintenance`, { on: true })).status).toBe(200);
    const alertId = await press();
    expect((await consoleAlert("alert.created", alertId)).maintenance).toBe(true);
    expect((await sys.api<AlertView>("GET", `/api/alerts/${alertId}`)).body.maintenance).toBe(true);
    await pressBarrier(sys);
    expect(notificationCount(alertId)).toBe(0);

    expect((await sys.api("POST", `/api/households/${home.householdId}/maintenance`, { on: false })).status).toBe(200);
    expect(await press()).toBe(alertId);
    const joined = await consoleAlert("alert.pressed", alertId);
    expect(joined).toMatchObject({ maintenance: false, pressCount: 2 });
    await reached(alertId);
  });

  it("refuses a body without a boolean `on` and an unknown household", async () => {
    const bad = await sys.api<{ error: { field: string } }>("POST", `/api/households/${home.householdId}/maintenance`, { on: "yes" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("on");
    expect((await sys.api("POST", "/api/households/999999/maintenance", { on: true })).status).toBe(404);
    expect((await sys.api("POST", "/api/devices/btn-nosuchdevice/maintenance", { on: true })).status).toBe(404);
  });
});
