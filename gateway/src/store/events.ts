/** The append-only event log: audit trail and numbered console stream in one table. */
import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import type { ConsoleEvent, ConsoleEventType, Language } from "@helpkey/shared";
import type { Db } from "../db/open";
import { events } from "../db/schema";
import { prepared } from "./prepared";

const insertEvent = (db: Db) =>
  prepared(db, "events.insert", () =>
    db.insert(events).values({
      communityId: sql.placeholder("communityId"), alertId: sql.placeholder("alertId"), deviceId: sql.placeholder("deviceId"),
      notificationId: sql.placeholder("notificationId"), type: sql.placeholder("type"), actor: sql.placeholder("actor"),
      data: sql.placeholder("data"), at: sql.placeholder("at"),
    }).returning({ id: events.id }).prepare(),
  );

export type NewEvent = Omit<ConsoleEvent, "n">;

/** Appends one event; its row id is the console number `n`. Call inside the caller's transaction. */
export function appendEvent(db: Db, e: NewEvent, extra: { notificationId?: number; data?: unknown } = {}): ConsoleEvent {
  const { communityId, type, ts, actor, alert, notification, device, message, fault } = e;
  const row = insertEvent(db).get({
    communityId,
    alertId: alert?.id ?? notification?.alertId ?? null,
    deviceId: device?.id ?? alert?.deviceId ?? message?.deviceId ?? fault?.deviceId ?? null,
    notificationId: extra.notificationId ?? notification?.id ?? null,
    type,
    actor,
    data: JSON.stringify({ alert, notification, device, message, fault, extra: extra.data }),
    at: ts,
  });
  return { n: row!.id, ...e };
}

function toConsoleEvent(r: typeof events.$inferSelect): ConsoleEvent {
  const d = r.data ? (JSON.parse(r.data) as Partial<ConsoleEvent>) : {};
  const ev: ConsoleEvent = { n: r.id, type: r.type as ConsoleEventType, ts: r.at, communityId: r.communityId, actor: r.actor };
  if (d.alert) ev.alert = d.alert;
  if (d.notification) ev.notification = d.notification;
  if (d.device) ev.device = d.device;
  if (d.message) ev.message = d.message;
  if (d.fault) ev.fault = d.fault;
  return ev;
}

/** Events after `since`, oldest first, optionally only those of some communities. */
export function eventsSince(db: Db, since: number, limit: number, communityIds?: number[]): ConsoleEvent[] {
  const where = communityIds ? and(gt(events.id, since), inArray(events.communityId, communityIds)) : gt(events.id, since);
  return db.select().from(events).where(where).orderBy(asc(events.id)).limit(limit).all().map(toConsoleEvent);
}

export function alertEvents(db: Db, alertId: number): ConsoleEvent[] {
  return db.select().from(events).where(eq(events.alertId, alertId)).orderBy(asc(events.id)).all().map(toConsoleEvent);
}

export function lastEventNumber(db: Db): number {
  const r = db.$client.prepare("SELECT max(id) AS n FROM events").get() as { n: number | null };
  return r.n ?? 0;
}

/** Who said they were going, as recorded with the event of their claim (its data's `going`). */
export interface GoingRecord {
  name: string;
  contactId?: number;
  patrolMemberId?: number;
  /** The number they answered on, for someone who is neither (the supervisor pressing 1). */
  phone?: string;
  language?: Language;
}

/** The alert's latest "going" record: the person the arrival timer asks, and the one told of a new press. */
export function lastGoing(db: Db, alertId: number): GoingRecord | undefined {
  const r = prepared(db, "events.lastGoing", () =>
    db.$client.prepare<[number], { going: string }>(
      "SELECT json_extract(data, '$.extra.going') AS going FROM events WHERE alert_id = ? AND json_extract(data, '$.extra.going') IS NOT NULL ORDER BY id DESC LIMIT 1",
    ),
  ).get(alertId);
  return r ? (JSON.parse(r.going) as GoingRecord) : undefined;
}
