/**
 * The send queue on a real SQLite file: which due rows go first (escalations, then every alert's
 * first wave by priority, then the rest by priority, wave, round, age), rows in backoff skipped,
 * the plan-ahead count, stuck `sending` rows, a row's priority from its alert, and which due
 * cascades the outbox plans first.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb, type Db } from "../src/db/open";
import { alerts, buildings, communities, households, units } from "../src/db/schema";
import { dueByPriority, dueSteps } from "../src/store/due-cascades";
import { insertNotification, type NewNotification } from "../src/store/notifications";
import { dueRows, nextRetryAt, queuedAhead, requeueRow, sendingSince } from "../src/store/outbox-queue";

let dir: string;
let db: Db;
let householdId: number;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "hk-queue-"));
  db = openDb(dir);
  const communityId = db.insert(communities).values({ name: "C", createdAt: 0 }).returning().get().id;
  const buildingId = db.insert(buildings).values({ communityId, name: "B", createdAt: 0 }).returning().get().id;
  const unitId = db.insert(units).values({ buildingId, name: "U", createdAt: 0 }).returning().get().id;
  householdId = db.insert(households).values({ unitId, room: "1", createdAt: 0 }).returning().get().id;
});
afterEach(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

const priorityOf = { fire: 1, medical: 2, emergency: 3, intrusion: 4, service: 9 } as const;

/** A household's alert (the unique open-alert index allows one per household: the rest are resolved). */
function alert(kind: keyof typeof priorityOf, o: { cascadeDueAt?: number | null; open?: boolean } = {}) {
  const h = o.open === false ? householdId : db.insert(households).values({ unitId: 1, room: "x", createdAt: 0 }).returning().get().id;
  return db.insert(alerts).values({
    communityId: 1, householdId: h, deviceId: "d", kind, state: "open", priority: priorityOf[kind], pressCount: 1,
    firstPressAt: 0, lastPressAt: 0, cascadeDueAt: o.cascadeDueAt ?? null,
  }).returning().get();
}

function row(alertId: number, o: Partial<NewNotification> & { label: string }) {
  return insertNotification(db, {
    alertId, communityId: 1, contactId: null, name: o.label, toPhone: "+15550000000", language: "en", channel: "call", purpose: "call",
    wave: 1, round: 1, status: "queued", attempts: 0, nextAttemptAt: 0, createdAt: 0, updatedAt: 0, ...o,
  });
}

const names = (rows: { name: string }[]) => rows.map((r) => r.name);

describe("the send queue", () => {
  it("escalations, then every alert's first wave (most urgent first), then the rest by priority, wave, round, age", () => {
    const service = alert("service");
    const emergency = alert("emergency");
    const fire = alert("fire");
    row(service.id, { label: "service w1" });
    row(emergency.id, { label: "emergency w1" });
    row(emergency.id, { label: "emergency w2", wave: 2 });
    row(fire.id, { label: "fire w2", wave: 2 });
    row(fire.id, { label: "fire r2 w1", round: 2 });
    row(fire.id, { label: "fire w1" });
    row(emergency.id, { label: "supervisor", purpose: "supervisor", wave: 99 });
    row(service.id, { label: "service w3", wave: 3 });
    expect(names(dueRows(db, "call", 0, 20))).toEqual([
      "supervisor", "fire w1", "emergency w1", "service w1", "fire r2 w1", "fire w2", "emergency w2", "service w3",
    ]);
    expect(names(dueRows(db, "call", 0, 3))).toEqual(["supervisor", "fire w1", "emergency w1"]);
    expect(dueRows(db, "sms", 0, 20)).toEqual([]); // per channel
  });

  it("a row waiting out its backoff is passed over, and says when it is due again", () => {
    const a = alert("fire");
    const b = alert("emergency");
    row(a.id, { label: "fire, retry at 5000", nextAttemptAt: 5000, attempts: 1 });
    row(b.id, { label: "emergency" });
    expect(names(dueRows(db, "call", 1000, 10))).toEqual(["emergency"]);
    expect(nextRetryAt(db, "call", 1000)).toBe(5000);
    expect(names(dueRows(db, "call", 5000, 10))).toEqual(["fire, retry at 5000", "emergency"]);
    expect(nextRetryAt(db, "call", 5000)).toBeNull();
  });

  it("counts what a new alert's first wave would wait behind: escalations and first waves, not later waves", () => {
    const a = alert("medical");
    row(a.id, { label: "w1" });
    row(a.id, { label: "w2", wave: 2 });
    row(a.id, { label: "r2", round: 2 });
    row(a.id, { label: "sup", purpose: "supervisor", wave: 99 });
    row(a.id, { label: "sent w1", status: "sent" });
    expect(queuedAhead(db, "call", 100)).toBe(2);
    expect(queuedAhead(db, "call", 1)).toBe(1);
  });

  it("rows left `sending` are found by age and queued again, unless a webhook moved them on", () => {
    const a = alert("fire");
    const old = row(a.id, { label: "old", status: "sending", updatedAt: 1000 });
    row(a.id, { label: "new", status: "sending", updatedAt: 9000 });
    expect(names(sendingSince(db, 5000))).toEqual(["old"]);
    expect(requeueRow(db, old.id, 10_000)).toBe(true);
    expect(requeueRow(db, old.id, 10_000)).toBe(false); // no longer `sending`
    expect(names(dueRows(db, "call", 10_000, 10))).toEqual(["old"]);
  });

  it("a row takes its alert's priority when the caller names none; a supervisor's call is an escalation (0)", () => {
    const a = alert("medical");
    expect(row(a.id, { label: "x" }).priority).toBe(2);
    expect(row(a.id, { label: "sup", purpose: "supervisor" }).priority).toBe(0);
    expect(row(a.id, { label: "y", priority: 5 }).priority).toBe(5);
  });
});

describe("due cascades", () => {
  it("the most urgent first, then the longest due; not yet due and without a timer left out", () => {
    const service = alert("service", { cascadeDueAt: 100 });
    const emergency = alert("emergency", { cascadeDueAt: 200 });
    const fire = alert("fire", { cascadeDueAt: 300 });
    alert("fire", { cascadeDueAt: 5000 });
    alert("fire", { cascadeDueAt: null });
    expect(dueByPriority(db, 1000, 10).map((a) => a.id)).toEqual([fire.id, emergency.id, service.id]);
    expect(dueByPriority(db, 1000, 1).map((a) => a.id)).toEqual([fire.id]);
  });

  it("steps: only alerts planned already (they have rows), longest due first", () => {
    const planned = alert("service", { cascadeDueAt: 500 });
    alert("fire", { cascadeDueAt: 100 }); // due, but its first plan waits for room
    const planned2 = alert("emergency", { cascadeDueAt: 400 });
    row(planned.id, { label: "a" });
    row(planned2.id, { label: "b" });
    expect(dueSteps(db, 1000, 10).map((a) => a.id)).toEqual([planned2.id, planned.id]);
  });
});
