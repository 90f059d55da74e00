/**
 * The call flow's decisions on a real SQLite file, driven by what the phone network sends back: the first
 * 1 claims the alert and only once, a 2 moves the cascade on, a machine is a voicemail (hung up, never an
 * answer), a callback twice changes nothing, and an SMS reply is matched to the alarm it answers.
 */
import { afterEach, describe, expect, it } from "vitest";
import { callStatus, keyPress, machineResult, smsReply } from "../src/alerts/call-flow";
import { handleAlarm } from "../src/alerts/press-flow";
import { runDue } from "../src/alerts/notify-plan";
import { getAlert } from "../src/store/alerts";
import { openFixture, press, type Fixture } from "./alert-fixture";

let f: Fixture;
afterEach(() => f?.close());

const T0 = 1_700_000_000_000;
const DAUGHTER = "+8613800000001";
const NEIGHBOUR = "+8613800000002";

/** A press in `deviceId`'s household and the outbox's first plan of it: alarm texts to all, the first wave's call. */
function raise(deviceId = f.deviceId, householdId = f.householdId, at = T0): number {
  return f.inTx(() => {
    const r = handleAlarm(f.ctx, deviceId, press(1, at), at);
    if (!r.ok) throw new Error(r.code);
    const id = r.effects.acks[0]!.ack.alertId;
    runDue(f.ctx, getAlert(f.ctx.db, id)!, f.ctx.dir.get(householdId)!, at);
    return id;
  });
}
const callTo = (alertId: number, phone: string) =>
  f.rows("SELECT id, status, provider_sid AS sid FROM notifications WHERE alert_id = ? AND channel = 'call' AND to_phone = ? ORDER BY id DESC", alertId, phone)[0] as { id: number; status: string; sid: string | null } | undefined;
const calls = (alertId: number) => f.rows("SELECT to_phone AS phone, wave, status FROM notifications WHERE alert_id = ? AND channel = 'call' ORDER BY id", alertId);
const next = (alertId: number, at: number) => f.inTx(() => runDue(f.ctx, getAlert(f.ctx.db, alertId)!, f.ctx.dir.get(f.householdId)!, at));

describe("call flow", () => {
  it("the first wave calls the first contact only; a 1 claims the alert for them, once", () => {
    f = openFixture();
    const id = raise();
    expect(calls(id)).toEqual([{ phone: DAUGHTER, wave: 1, status: "queued" }]);
    const call = callTo(id, DAUGHTER)!;
    f.inTx(() => callStatus(f.ctx, call.id, "in-progress", "CA0001", T0 + 1_000));

    const claim = f.inTx(() => keyPress(f.ctx, call.id, "1", T0 + 2_000));
    expect(claim).toMatchObject({ reply: "claimed", by: "Daughter" });
    expect(getAlert(f.ctx.db, id)).toMatchObject({ state: "acknowledged", goingBy: "Daughter", goingVia: "key" });
    expect(callTo(id, DAUGHTER)!.status).toBe("pressed1");
    // the neighbour is told who is going
    expect(f.rows("SELECT to_phone AS phone FROM notifications WHERE alert_id = ? AND purpose = 'going'", id)).toEqual([{ phone: NEIGHBOUR }]);

    // the same key again (a retried webhook) claims nothing new and queues nothing
    const rows = f.rows("SELECT count(*) AS n FROM notifications")[0]!.n;
    const again = f.inTx(() => keyPress(f.ctx, call.id, "1", T0 + 3_000));
    expect(again).toMatchObject({ reply: "claimed", by: "Daughter" });
    expect(f.rows("SELECT count(*) AS n FROM notifications")[0]!.n).toBe(rows);
    expect(f.rows("SELECT count(*) AS n FROM events WHERE type = 'alert.acknowledged'")).toEqual([{ n: 1 }]);
  });

  it("a 1 from a second person after the claim is told who has it", () => {
    f = openFixture();
    const id = raise();
    f.inTx(() => keyPress(f.ctx, callTo(id, DAUGHTER)!.id, "1", T0 + 1_000));
    const neighbourText = f.rows("SELECT id FROM notifications WHERE alert_id = ? AND to_phone = ? AND purpose = 'alarm'", id, NEIGHBOUR)[0]!.id as number;
    const late = f.inTx(() => keyPress(f.ctx, neighbourText, "1", T0 + 2_000));
    expect(late).toMatchObject({ reply: "already", by: "Daughter" });
    expect(getAlert(f.ctx.db, id)!.goingBy).toBe("Daughter");
  });

  it("a 2 moves the cascade on: the next wave's contact is called at once", () => {
    f = openFixture();
    const id = raise();
    const r = f.inTx(() => keyPress(f.ctx, callTo(id, DAUGHTER)!.id, "2", T0 + 1_000));
    expect(r.reply).toBe("passed");
    expect(r.effects.wakeOutbox).toBe(true);
    expect(getAlert(f.ctx.db, id)).toMatchObject({ state: "open", cascadeDueAt: T0 + 1_000 });
    next(id, T0 + 1_000);
    expect(calls(id)).toEqual([{ phone: DAUGHTER, wave: 1, status: "pressed2" }, { phone: NEIGHBOUR, wave: 2, status: "queued" }]);
  });

  it("a machine is a voicemail: the call is hung up and the cascade moves on; a human changes nothing", () => {
    f = openFixture();
    const id = raise();
    const call = callTo(id, DAUGHTER)!;
    f.inTx(() => callStatus(f.ctx, call.id, "in-progress", "CA0002", T0 + 1_000));
    const human = f.inTx(() => machineResult(f.ctx, call.id, "human", T0 + 2_000));
    expect(human.cancelCalls).toEqual([]);
    expect(callTo(id, DAUGHTER)!.status).toBe("answered");

    const machine = f.inTx(() => machineResult(f.ctx, call.id, "machine_start", T0 + 3_000));
    expect(machine.cancelCalls).toEqual(["CA0002"]);
    expect(callTo(id, DAUGHTER)!.status).toBe("voicemail");
    expect(getAlert(f.ctx.db, id)).toMatchObject({ state: "open", cascadeDueAt: T0 + 3_000 });
    // the call's own end afterwards does not overwrite the voicemail, nor claim anything
    f.inTx(() => callStatus(f.ctx, call.id, "completed", "CA0002", T0 + 4_000));
    expect(callTo(id, DAUGHTER)!.status).toBe("voicemail");
    expect(f.inTx(() => machineResult(f.ctx, call.id, "machine_start", T0 + 5_000)).cancelCalls).toEqual([]);
  });

  it("status callbacks only move a row forward: a late `ringing` after `answered` is ignored", () => {
    f = openFixture();
    const id = raise();
    const call = callTo(id, DAUGHTER)!;
    f.inTx(() => callStatus(f.ctx, call.id, "in-progress", "CA0003", T0 + 1_000));
    const late = f.inTx(() => callStatus(f.ctx, call.id, "ringing", "CA0003", T0 + 2_000));
    expect(late.events).toEqual([]);
    expect(callTo(id, DAUGHTER)).toMatchObject({ status: "answered", sid: "CA0003" });
  });

  it("an SMS reply `1` from a texted contact claims their alert; from a stranger it is unknown", () => {
    f = openFixture();
    const id = raise();
    expect(f.inTx(() => smsReply(f.ctx, "+8613999999999", "1", T0 + 1_000)).reply).toBe("unknown");
    const r = f.inTx(() => smsReply(f.ctx, NEIGHBOUR, " 1 ", T0 + 2_000));
    expect(r).toMatchObject({ reply: "claimed", by: "Neighbour" });
    expect(getAlert(f.ctx.db, id)).toMatchObject({ state: "acknowledged", goingBy: "Neighbour", goingVia: "sms" });
  });

  it("a bare `1` from a number texted about two live alarms gets a question back; `1 #id` claims the one named", () => {
    f = openFixture();
    const first = raise();
    const other = f.addHousehold([{ name: "Neighbour", phone: NEIGHBOUR, priority: 1 }]);
    const second = raise(other.deviceId, other.householdId, T0 + 500);
    const asked = f.inTx(() => smsReply(f.ctx, NEIGHBOUR, "1", T0 + 1_000));
    expect(asked.reply).toBe("asked");
    expect(f.rows("SELECT alert_id AS alertId, to_phone AS phone FROM notifications WHERE purpose = 'question'")).toEqual([{ alertId: second, phone: NEIGHBOUR }]);
    expect(getAlert(f.ctx.db, first)!.state).toBe("open");
    expect(getAlert(f.ctx.db, second)!.state).toBe("open");

    const named = f.inTx(() => smsReply(f.ctx, NEIGHBOUR, `1 #${first}`, T0 + 2_000));
    expect(named).toMatchObject({ reply: "claimed", by: "Neighbour" });
    expect(getAlert(f.ctx.db, first)!.state).toBe("acknowledged");
    expect(getAlert(f.ctx.db, second)!.state).toBe("open");
  });
});
