/**
 * Issue 4: a new alert's texts and calls are planned by the outbox right after the alert's commit
 * is durable (alerts.cascade_due_at), not inside the press's transaction. The plan survives a
 * stop between the two, and a cancel that races it never leaves the family with an alarm text only.
 */
import { afterEach, expect, it } from "vitest";
import { openDb } from "@helpkey/gateway/db/open";
import { createHousehold } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

const systems: TestSystem[] = [];
afterEach(async () => {
  for (const s of systems.splice(0).reverse()) await s.close();
});

const contacts = [
  { name: "Son", phone: "+8613855550001", priority: 1 },
  { name: "Neighbour", phone: "+8613855550002", priority: 2 },
];

it("plans an alert after a restart when the stop came between its commit and its plan", async () => {
  const first = await startTestSystem();
  const home = await createHousehold(first.api, { contacts });
  const device = await connectSim(first.mqttUrl, home.device.id, home.device.secret);
  const ack = await device.waitForAck(device.press().seq, "received", 5000);
  await device.close();
  await first.stop();

  // The state a stop right after the commit leaves: the alert row is due, nothing is planned yet.
  const db = openDb(first.dataDir).$client;
  db.prepare("DELETE FROM events WHERE notification_id IN (SELECT id FROM notifications WHERE alert_id = ?)").run(ack.alertId);
  db.prepare("DELETE FROM notifications WHERE alert_id = ?").run(ack.alertId);
  db.prepare("UPDATE alerts SET cascade_due_at = first_press_at WHERE id = ?").run(ack.alertId);
  db.close();

  const second = await startTestSystem({ dataDir: first.dataDir });
  systems.push(second);
  await waitFor(() => new Set(second.phone!.messages.map((m) => m.to)).size === 2, 5000, "the alarm SMS to both contacts");
  await waitFor(() => second.phone!.calls.some((c) => c.to === contacts[0]!.phone), 5000, "the first wave's call");
  const rows = second.ctx.db.$client.prepare("SELECT channel, purpose, to_phone AS phone FROM notifications WHERE alert_id = ? ORDER BY id").all(ack.alertId);
  expect(rows).toEqual(expect.arrayContaining([
    { channel: "sms", purpose: "alarm", phone: contacts[0]!.phone },
    { channel: "sms", purpose: "alarm", phone: contacts[1]!.phone },
    { channel: "call", purpose: "call", phone: contacts[0]!.phone },
  ]));
  expect(rows).toHaveLength(3); // planned once
});

it("a cancel right behind the press: whoever got the alarm text also gets the cancellation", async () => {
  const sys = await startTestSystem();
  systems.push(sys);
  const home = await createHousehold(sys.api, { contacts });
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  try {
    const raise = device.press();
    const cancel = device.press({ action: "cancel" }); // same moment: may land before the plan ran
    const raised = await device.waitForAck(raise.seq, "received", 5000);
    expect((await device.waitForAck(cancel.seq, "cancelled", 5000)).alertId).toBe(raised.alertId);
    await new Promise((r) => setTimeout(r, 500)); // the outbox has run by now
    const rows = sys.ctx.db.$client.prepare("SELECT purpose, status, to_phone AS phone FROM notifications WHERE alert_id = ? AND channel = 'sms'").all(raised.alertId) as { purpose: string; status: string; phone: string }[];
    for (const c of contacts) {
      const alarmed = rows.some((r) => r.phone === c.phone && r.purpose === "alarm" && r.status !== "cancelled");
      const told = rows.some((r) => r.phone === c.phone && r.purpose === "cancelled");
      expect({ phone: c.phone, told }).toEqual({ phone: c.phone, told: alarmed });
    }
    expect(sys.ctx.db.$client.prepare("SELECT cascade_due_at AS due FROM alerts WHERE id = ?").get(raised.alertId)).toEqual({ due: null });
  } finally {
    await device.close();
  }
});
