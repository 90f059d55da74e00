/**
 * The whole loop, end to end, against the real system on port 0:
 * press → durable alert → device ack → console event → SMS to every contact + a call.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AlertView, ConsoleEvent, ConsoleFrame } from "@helpkey/shared";
import { pressBarrier, withoutBarrier } from "../helpers/barrier";
import { openConsole } from "../helpers/console-client";
import { createHousehold, type Household } from "../helpers/community";
import { alarm, connectRaw, connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem;
let home: Household;

beforeEach(async () => {
  sys = await startTestSystem();
  home = await createHousehold(sys.api, {
    room: "302", resident: "Grandma Li",
    contacts: [
      { name: "Daughter Wang", phone: "+8613800000001", priority: 1 },
      { name: "Son Wang", phone: "+8613800000002", priority: 2 },
      { name: "Neighbour Liu", phone: "+8613800000003", priority: 3, language: "zh-CN" },
    ],
  });
});
afterEach(async () => {
  await sys.close();
});

describe("a press travels the whole loop", () => {
  it("acks the device, stores one open alert, tells the console, texts every contact and calls the first", async () => {
    const console1 = await openConsole(sys.httpUrl);
    const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
    try {
      const { seq } = device.press({ kind: "emergency" });
      const ack = await device.waitForAck(seq, "received", 5000);
      expect(ack).toMatchObject({ seq, state: "received" });
      expect(ack.alertId).toBeGreaterThan(0);
      // the press's time at the gateway: committed, then on disk (what the ack waited for)
      // one per packet stored: a slow first ack may let the device retransmit (still one alert, below),
      // and that copy's sync may still be running: read until every commit is also on disk
      let metrics = "";
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(metrics)?.[1]);
      await waitFor(async () => {
        metrics = await (await fetch(`${sys.httpUrl}/metrics`)).text();
        return value("hk_ingest_durable_seconds_count") === value("hk_ingest_commit_seconds_count") ? true : null;
      }, 5000, "every committed press on disk");
      expect(value("hk_ingest_commit_seconds_count")).toBeGreaterThanOrEqual(1);
      expect(value("hk_ingest_durable_seconds_sum")).toBeGreaterThan(value("hk_ingest_commit_seconds_sum"));
      // the delay of both event loops the alarm and its ack went through: the gateway's and the broker thread's
      expect(metrics).toMatch(/^hk_event_loop_delay_seconds\{stat="p99"\} \d/m);
      expect(metrics).toMatch(/^hk_broker_event_loop_delay_seconds\{stat="p99"\} \d/m);
      // and how much of their stalls were garbage collection
      expect(metrics).toMatch(/^hk_gc_pause_seconds\{stat="max"\} \d/m);
      expect(metrics).toMatch(/^hk_broker_gc_pause_seconds\{stat="count"\} \d/m);

      const list = await sys.api<AlertView[]>("GET", "/api/alerts");
      expect(list.status).toBe(200);
      expect(list.body).toHaveLength(1);
      expect(list.body[0]).toMatchObject({ id: ack.alertId, householdId: home.householdId, state: "open", pressCount: 1, kind: "emergency", deviceId: home.device.id });
      expect(list.body[0]!.address.room).toBe("302");

      const created = (await console1.waitFor((f) => f.type === "alert.created")) as ConsoleEvent;
      expect(created.alert).toMatchObject({ id: ack.alertId, state: "open" });

      const phone = sys.phone!;
      await waitFor(() => phone.messages.length >= 3 && phone.calls.length >= 1, 5000, "3 SMS and 1 call at the emulator");
      // nothing more comes: another household's later press reaches the phone network first
      const barrier = await pressBarrier(sys);
      const messages = withoutBarrier(phone.messages, barrier);
      const calls = withoutBarrier(phone.calls, barrier);
      expect(messages.map((m) => m.to).sort()).toEqual(["+8613800000001", "+8613800000002", "+8613800000003"]);
      for (const m of messages) {
        expect(m.from).toBe("+10000000000");
        expect(m.body).toContain("302");
        expect(m.body).toContain("Building");
        expect(m.body).toContain("Unit");
      }
      expect(phone.messages.find((m) => m.to === "+8613800000003")!.body).toMatch(/一键呼救.*302室/);
      expect(phone.messages.find((m) => m.to === "+8613800000001")!.body).toContain("Grandma Li");
      expect(calls).toHaveLength(1);
      expect(calls[0]!.to).toBe("+8613800000001");
    } finally {
      await device.close();
      await console1.close();
    }
  });

  it("the same seq again (a lost ack) is still one alert, and the device is acked again", async () => {
    const { client, acks } = await connectRaw(sys.mqttUrl, home.device.id, home.device.secret);
    try {
      const payload = alarm(41);
      const topic = `hk/v1/dev/${home.device.id}/alarm`;
      await client.publishAsync(topic, payload, { qos: 1 });
      await waitFor(() => acks.length >= 1, 5000, "first ack");
      await client.publishAsync(topic, payload, { qos: 1 });
      await waitFor(() => acks.length >= 2, 5000, "second ack");
      expect(acks[0]).toMatchObject({ seq: 41, state: "received" });
      expect(acks[1]).toMatchObject({ seq: 41, alertId: acks[0]!.alertId });
      const list = await sys.api<AlertView[]>("GET", "/api/alerts");
      expect(list.body).toHaveLength(1);
      expect(list.body[0]!.pressCount).toBe(1);
    } finally {
      await client.endAsync();
    }
  });

  it("a second press (new seq) while open joins the same alert: press count 2", async () => {
    const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
    try {
      const a = await device.waitForAck(device.press().seq, "received", 5000);
      const b = await device.waitForAck(device.press().seq, "received", 5000);
      expect(b.alertId).toBe(a.alertId);
      const one = await sys.api<AlertView>("GET", `/api/alerts/${a.alertId}`);
      expect(one.body.pressCount).toBe(2);
      expect((await sys.api<AlertView[]>("GET", "/api/alerts")).body).toHaveLength(1);
    } finally {
      await device.close();
    }
  });

  it("a console that reconnects with since=N receives exactly the events it missed", async () => {
    const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
    try {
      const first = await openConsole(sys.httpUrl);
      const a = await device.waitForAck(device.press().seq, "received", 5000);
      await first.waitFor((f) => f.type === "alert.created");
      await waitFor(() => sys.phone!.calls.length >= 1, 5000, "first call");
      // frames arrive in order: what it saw is everything up to its last number, whatever is still on the way
      const seen = first.lastN();
      const firstSeen = first.frames.filter((f) => f.n <= seen);
      await first.close();

      // Meanwhile: a second press and an acknowledgement.
      await device.waitForAck(device.press().seq, "received", 5000);
      expect((await sys.api("POST", `/api/alerts/${a.alertId}/acknowledge`, { by: "Dispatcher Zhao" })).status).toBe(200);

      const again = await openConsole(sys.httpUrl, { since: seen });
      const all = await openConsole(sys.httpUrl, { since: 0 });
      // compare both up to the acknowledgement: each console has every frame before one it has
      const upTo = (await all.waitFor((f) => f.type === "alert.acknowledged")).n;
      expect((await again.waitFor((f) => f.type === "alert.acknowledged")).n).toBe(upTo);
      const until = (frames: ConsoleFrame[]) => frames.filter((f) => f.n <= upTo);
      const missed = until(all.frames).filter((f) => f.n > seen).map((f) => f.n);
      expect(until(again.frames).map((f) => f.n)).toEqual(missed);
      expect(again.frames.every((f) => f.n > seen)).toBe(true);
      expect(again.frames.map((f) => f.type)).toContain("alert.pressed");
      // The first console's events and the missed ones together are the whole log after its snapshot, without a gap.
      const snapshotN = firstSeen[0]!.n;
      expect(firstSeen[0]!.type).toBe("snapshot");
      expect([...firstSeen.slice(1).map((f) => f.n), ...missed]).toEqual(until(all.frames).filter((f) => f.n > snapshotN).map((f) => f.n));
      await again.close();
      await all.close();
    } finally {
      await device.close();
    }
  });

  it("a console without since gets a snapshot of the live alerts", async () => {
    const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
    try {
      const a = await device.waitForAck(device.press().seq, "received", 5000);
      const c = await openConsole(sys.httpUrl);
      const snap = await c.waitFor((f) => f.type === "snapshot");
      expect(snap.type === "snapshot" && snap.alerts.map((x) => x.id)).toEqual([a.alertId]);
      await c.close();
    } finally {
      await device.close();
    }
  });
});

describe("console actions", () => {
  it("acknowledge, then illegal transitions are 409, and the device is sent each new state", async () => {
    const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
    try {
      const { seq } = device.press();
      const a = await device.waitForAck(seq, "received", 5000);
      const ackd = device.waitForAck(seq, "acknowledged", 5000);
      const r1 = await sys.api<AlertView>("POST", `/api/alerts/${a.alertId}/acknowledge`, { by: "Dispatcher Zhao" });
      expect(r1.status).toBe(200);
      expect(r1.body).toMatchObject({ state: "acknowledged", acknowledgedBy: "Dispatcher Zhao" });
      expect(await ackd).toMatchObject({ alertId: a.alertId, state: "acknowledged", by: "Dispatcher Zhao" });

      const again = await sys.api<{ error: { code: string } }>("POST", `/api/alerts/${a.alertId}/acknowledge`, {});
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe("HK_ILLEGAL_TRANSITION");

      const resolved = device.waitForAck(seq, "resolved", 5000);
      const r2 = await sys.api<AlertView>("POST", `/api/alerts/${a.alertId}/resolve`, { outcome: "real", note: "fell, helped up" });
      expect(r2.status).toBe(200);
      expect(r2.body).toMatchObject({ state: "resolved", outcome: "real", note: "fell, helped up" });
      expect((await resolved).state).toBe("resolved");
      expect((await sys.api("POST", `/api/alerts/${a.alertId}/cancel`, {})).status).toBe(409);

      const bad = await sys.api<{ error: { code: string; field: string } }>("POST", `/api/alerts/${a.alertId}/resolve`, { outcome: "maybe" });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: "HK_BAD_REQUEST", field: "outcome" });

      const detail = await sys.api<{ events: ConsoleEvent[] }>("GET", `/api/alerts/${a.alertId}`);
      expect(detail.body.events.map((e) => e.type)).toEqual(expect.arrayContaining(["alert.created", "alert.acknowledged", "alert.resolved"]));
      expect(detail.body.events.find((e) => e.type === "alert.acknowledged")!.actor).toBe("Dispatcher Zhao");
    } finally {
      await device.close();
    }
  });
});
