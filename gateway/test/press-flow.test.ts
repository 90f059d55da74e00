/**
 * The press flow's decisions on a real SQLite file: a press creates an alert, a later one joins it, a
 * more urgent kind upgrades it, a cancel withdraws it within the window and only asks after it, a
 * retransmission is acked again without a second press, a reused seq with another payload is a new press,
 * and a press after a terminal state opens a new alert.
 */
import { afterEach, describe, expect, it } from "vitest";
import { handleAlarm } from "../src/alerts/press-flow";
import { runDue } from "../src/alerts/notify-plan";
import { getAlert } from "../src/store/alerts";
import { openFixture, press, type Fixture } from "./alert-fixture";

let f: Fixture;
afterEach(() => f?.close());

const T0 = 1_700_000_000_000;

function alarm(seq: number, at: number, over: Parameters<typeof press>[2] = {}) {
  const r = f.inTx(() => handleAlarm(f.ctx, f.deviceId, press(seq, at, over), at));
  if (!r.ok) throw new Error(r.code);
  return r;
}
const pressRows = () => f.rows("SELECT seq, alert_id AS alertId, action FROM presses ORDER BY id");
const alertRows = () => f.rows("SELECT id, state, kind, press_count AS presses FROM alerts ORDER BY id");
/** The outbox's first plan of an alert (what the worker runs once the alert's commit is durable). */
const plan = (alertId: number, at: number) => f.inTx(() => runDue(f.ctx, getAlert(f.ctx.db, alertId)!, f.ctx.dir.get(f.householdId)!, at));

describe("press flow", () => {
  it("creates one open alert, acks `received` with its id, stores the press and asks the outbox to plan it", () => {
    f = openFixture();
    const r = alarm(1, T0);
    expect(r).toMatchObject({ created: true, duplicate: false, seqReused: false });
    expect(r.effects.wakeOutbox).toBe(true);
    const [alert] = alertRows();
    expect(alert).toMatchObject({ state: "open", kind: "emergency", presses: 1 });
    expect(r.effects.acks).toEqual([{ deviceId: f.deviceId, ack: expect.objectContaining({ seq: 1, alertId: alert!.id, state: "received" }) }]);
    expect(r.effects.events.map((e) => e.type)).toEqual(["alert.created"]);
    expect(pressRows()).toEqual([{ seq: 1, alertId: alert!.id, action: "raise" }]);
    // planned by the outbox, not in the press's transaction: no rows yet, the due time is stored
    expect(f.rows("SELECT count(*) AS n FROM notifications")).toEqual([{ n: 0 }]);
    expect(f.rows("SELECT cascade_due_at AS due FROM alerts")).toEqual([{ due: T0 }]);
  });

  it("joins a second press of the household to the open alert: press count 2, no second alert", () => {
    f = openFixture();
    const first = alarm(1, T0);
    const second = alarm(2, T0 + 5_000);
    expect(second).toMatchObject({ created: false, duplicate: false });
    expect(second.effects.acks[0]!.ack).toMatchObject({ seq: 2, alertId: first.effects.acks[0]!.ack.alertId, state: "received" });
    expect(second.effects.events.map((e) => e.type)).toEqual(["alert.pressed"]);
    expect(alertRows()).toEqual([expect.objectContaining({ state: "open", presses: 2 })]);
  });

  it("upgrades a service request by an emergency press: the kind and priority change and the new alarm goes out", () => {
    f = openFixture({ contacts: [{ name: "Daughter", phone: "+8613800000001", priority: 1 }, { name: "Grid worker Chen", phone: "+8613800000002", priority: 3, relation: "grid worker" }] });
    const service = alarm(1, T0, { kind: "service" });
    const id = service.effects.acks[0]!.ack.alertId;
    plan(id, T0 + 10); // the service request's texts
    // a service request is texted to the grid worker only
    const served = f.rows("SELECT id, to_phone AS phone FROM notifications WHERE alert_id = ? AND channel = 'sms'", id);
    expect(served.map((r) => r.phone)).toEqual(["+8613800000002"]);
    const before = Math.max(...served.map((r) => Number(r.id)));
    const up = alarm(2, T0 + 1_000, { kind: "emergency" });
    expect(up.effects.events[0]).toMatchObject({ type: "alert.pressed", alert: { kind: "emergency" } });
    const audit = f.rows("SELECT data FROM events WHERE type = 'alert.pressed' AND alert_id = ?", id).map((r) => JSON.parse(String(r.data)).extra);
    expect(audit).toEqual([{ upgradedTo: "emergency" }]);
    expect(up.effects.wakeOutbox).toBe(true);
    expect(getAlert(f.ctx.db, id)).toMatchObject({ kind: "emergency", priority: 3, state: "open" });
    // every contact gets the emergency alarm now, and the cascade is due at once
    const alarms = f.rows("SELECT to_phone AS phone, status FROM notifications WHERE alert_id = ? AND channel = 'sms' AND purpose = 'alarm' AND status = 'queued' AND id > ?", id, before);
    expect(alarms.map((a) => a.phone).sort()).toEqual(["+8613800000001", "+8613800000002"]);
    expect(f.rows("SELECT cascade_due_at AS due FROM alerts WHERE id = ?", id)).toEqual([{ due: T0 + 1_000 }]);
  });

  it("a cancel within the window withdraws the alert: cancelled, acked `cancelled`, nobody texted before any text went out", () => {
    f = openFixture({ policy: { cancelWindowS: 10 } });
    const id = alarm(1, T0).effects.acks[0]!.ack.alertId;
    const c = alarm(2, T0 + 10_000, { action: "cancel" }); // the window's last moment
    expect(c.effects.acks[0]!.ack).toMatchObject({ seq: 2, alertId: id, state: "cancelled" });
    expect(c.effects.events.map((e) => e.type)).toContain("alert.cancelled");
    expect(getAlert(f.ctx.db, id)).toMatchObject({ state: "cancelled", outcome: "false_alarm" });
    expect(f.rows("SELECT count(*) AS n FROM notifications WHERE alert_id = ?", id)).toEqual([{ n: 0 }]);
    // and the outbox's plan, due before the cancel, plans nothing for it now
    expect(plan(id, T0 + 10_001)).toEqual([]);
    expect(f.rows("SELECT count(*) AS n FROM notifications WHERE alert_id = ?", id)).toEqual([{ n: 0 }]);
  });

  it("a cancel within the window after the texts went out tells every contact it was cancelled", () => {
    f = openFixture({ policy: { cancelWindowS: 10 } });
    const id = alarm(1, T0).effects.acks[0]!.ack.alertId;
    plan(id, T0 + 10);
    f.ctx.db.$client.prepare("UPDATE notifications SET status = 'sent' WHERE alert_id = ? AND channel = 'sms'").run(id);
    alarm(2, T0 + 2_000, { action: "cancel" });
    const told = f.rows("SELECT to_phone AS phone FROM notifications WHERE alert_id = ? AND purpose = 'cancelled' AND status = 'queued'", id);
    expect(told.map((t) => t.phone).sort()).toEqual(["+8613800000001", "+8613800000002"]);
    // the call not yet placed is withdrawn
    expect(f.rows("SELECT status FROM notifications WHERE alert_id = ? AND channel = 'call'", id)).toEqual([{ status: "cancelled" }]);
  });

  it("a cancel after the window only asks: the alert stays open, the console is told", () => {
    f = openFixture({ policy: { cancelWindowS: 10 } });
    const id = alarm(1, T0).effects.acks[0]!.ack.alertId;
    const c = alarm(2, T0 + 10_001, { action: "cancel" });
    expect(c.effects.events.map((e) => e.type)).toEqual(["alert.cancel_requested"]);
    expect(c.effects.acks[0]!.ack).toMatchObject({ alertId: id, state: "received" });
    expect(getAlert(f.ctx.db, id)!.state).toBe("open");
  });

  it("a retransmission (same seq, same payload) is acked again and stored once", () => {
    f = openFixture();
    const first = alarm(7, T0);
    const again = alarm(7, T0); // the device's clock time is part of the payload: the same packet again
    expect(again).toMatchObject({ duplicate: true, created: false });
    expect(again.effects.acks[0]!.ack).toMatchObject({ seq: 7, alertId: first.effects.acks[0]!.ack.alertId, state: "received" });
    expect(again.effects.events).toEqual([]);
    expect(pressRows()).toHaveLength(1);
    expect(alertRows()).toEqual([expect.objectContaining({ presses: 1 })]);
  });

  it("a reused seq with another payload is a new press (the device lost its counter), and the device is flagged", () => {
    f = openFixture();
    const first = alarm(7, T0);
    const reused = alarm(7, T0 + 60_000, { kind: "fire" });
    expect(reused).toMatchObject({ duplicate: false, seqReused: true });
    expect(reused.effects.acks[0]!.ack.alertId).toBe(first.effects.acks[0]!.ack.alertId); // joins the open alert
    expect(pressRows()).toHaveLength(2);
    expect(alertRows()).toEqual([expect.objectContaining({ presses: 2, kind: "fire" })]);
    expect(f.rows("SELECT seq_reset_at AS at FROM devices WHERE id = ?", f.deviceId)).toEqual([{ at: T0 + 60_000 }]);
  });

  it("a press after the alert is terminal opens a new alert", () => {
    f = openFixture({ policy: { cancelWindowS: 10 } });
    const first = alarm(1, T0).effects.acks[0]!.ack.alertId;
    alarm(2, T0 + 1_000, { action: "cancel" });
    const next = alarm(3, T0 + 2_000);
    expect(next.created).toBe(true);
    expect(next.effects.acks[0]!.ack.alertId).not.toBe(first);
    expect(alertRows().map((a) => a.state)).toEqual(["cancelled", "open"]);
  });

  it("a cancel with no live alert is stored and acked with no alert", () => {
    f = openFixture();
    const r = alarm(1, T0, { action: "cancel" });
    expect(r.effects.acks[0]!.ack).toMatchObject({ seq: 1, alertId: 0, state: "cancelled" });
    expect(alertRows()).toEqual([]);
    expect(pressRows()).toEqual([{ seq: 1, alertId: null, action: "cancel" }]);
  });

  it("refuses a press from an unknown device", () => {
    f = openFixture();
    expect(f.inTx(() => handleAlarm(f.ctx, "nobody", press(1, T0), T0))).toEqual({ ok: false, code: "HK_MQTT_UNKNOWN_DEVICE" });
    expect(pressRows()).toEqual([]);
  });
});
