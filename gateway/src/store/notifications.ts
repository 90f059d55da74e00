/** Outbox rows (one per SMS or call) and their console view. */
import { getTableColumns, sql, and, asc, eq } from "drizzle-orm";
import type { NotificationStatus, NotificationView } from "@helpkey/shared";
import type { Db } from "../db/open";
import { notifications } from "../db/schema";
import { prepared } from "./prepared";

export type NotificationRow = typeof notifications.$inferSelect;
export type NewNotification = typeof notifications.$inferInsert;

/** An alarm's row as the console shows it; a fault's text (no alert) is shown with its fault (supervision/fault-view.ts). */
export function toNotificationView(r: NotificationRow): NotificationView {
  if (r.alertId === null) throw new Error(`notification ${r.id} belongs to no alert`);
  return {
    id: r.id,
    alertId: r.alertId,
    contactId: r.contactId,
    contactName: r.name,
    channel: r.channel,
    purpose: r.purpose,
    wave: r.wave,
    status: r.status as NotificationStatus,
    attempts: r.attempts,
    providerSid: r.providerSid,
    lastError: r.lastError,
    updatedAt: r.updatedAt,
  };
}

/** Every column but the id, bound by name: missing values take the column's default, else null. */
const INSERT_COLUMNS = Object.entries(getTableColumns(notifications)).filter(([k]) => k !== "id");

/** A supervisor's call is an escalation: due at its time, never behind another alert's queue. */
const ESCALATION_PURPOSES = new Set(["supervisor"]);

/**
 * Stores one outbox row. Without a `priority`, the row takes its alert's (the queue's first key),
 * or 0 for an escalation such as the supervisor's call.
 */
export function insertNotification(db: Db, row: NewNotification): NotificationRow {
  const n = row.priority !== undefined ? row : { ...row, priority: ESCALATION_PURPOSES.has(row.purpose) ? 0 : alertPriority(db, row.alertId) };
  const params: Record<string, unknown> = {};
  for (const [k, col] of INSERT_COLUMNS) {
    const v = (n as Record<string, unknown>)[k];
    if (v !== undefined) params[k] = v;
    else if (!col.hasDefault) params[k] = null;
    else if (typeof col.default === "number" || typeof col.default === "string") params[k] = col.default;
    else return db.insert(notifications).values(n).returning().get(); // an SQL default: let drizzle write it
  }
  const stmt = prepared(db, "notifications.insert", () =>
    db.insert(notifications).values(Object.fromEntries(INSERT_COLUMNS.map(([k]) => [k, sql.placeholder(k)])) as unknown as NewNotification).returning().prepare(),
  );
  return stmt.get(params)!;
}

function alertPriority(db: Db, alertId: number | null | undefined): number {
  if (alertId == null) return 9;
  const stmt = prepared(db, "notifications.alertPriority", () => db.$client.prepare<[number], { p: number }>("SELECT priority AS p FROM alerts WHERE id = ?"));
  return stmt.get(alertId)?.p ?? 9;
}

export function getNotification(db: Db, id: number): NotificationRow | undefined {
  return prepared(db, "notifications.get", () => db.select().from(notifications).where(eq(notifications.id, sql.placeholder("id"))).prepare()).get({ id });
}

export function notificationsOfAlert(db: Db, alertId: number): NotificationRow[] {
  return prepared(db, "notifications.ofAlert", () =>
    db.select().from(notifications).where(eq(notifications.alertId, sql.placeholder("alertId"))).orderBy(asc(notifications.id)).prepare(),
  ).all({ alertId });
}

/** A console snapshot's share of notifications: enough to redraw every card's "N of M reached" after a reload. */
const SNAPSHOT_NOTES_MAX = 20_000;
const REACHING_PURPOSES = ["alarm", "call", "supervisor"];

/**
 * The notifications that try to reach a person about the alarm itself, for every live alert the
 * caller sees (the most urgent alerts first, so a cap cuts the calmest cards).
 */
export function reachingNotesOfLiveAlerts(db: Db, communityIds?: number[]): NotificationView[] {
  const scope = communityIds ? `AND a.community_id IN (${communityIds.map(() => "?").join(",") || "NULL"})` : "";
  const rows = db.$client.prepare(
    `SELECT n.* FROM notifications n JOIN alerts a ON a.id = n.alert_id
     WHERE a.state NOT IN ('resolved', 'cancelled') AND n.purpose IN (${REACHING_PURPOSES.map(() => "?").join(",")}) ${scope}
     ORDER BY a.priority, a.id, n.id LIMIT ${SNAPSHOT_NOTES_MAX}`,
  ).all(...REACHING_PURPOSES, ...(communityIds ?? [])) as Record<string, unknown>[];
  return rows.map((r) => toNotificationView(fromSqlRow(r)));
}

function fromSqlRow(r: Record<string, unknown>): NotificationRow {
  const cols = getTableColumns(notifications);
  const out: Record<string, unknown> = {};
  for (const [k, col] of Object.entries(cols)) out[k] = r[col.name];
  return out as NotificationRow;
}

/** One prepared UPDATE per set of patched columns (a handful exist: status moves, sends, retries). */
export function updateNotification(db: Db, id: number, patch: Partial<NewNotification>): NotificationRow {
  const keys = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined).sort();
  const stmt = prepared(db, `notifications.update:${keys.join(",")}`, () =>
    db.update(notifications).set(Object.fromEntries(keys.map((k) => [k, sql.placeholder(k)])) as Partial<NewNotification>).where(eq(notifications.id, sql.placeholder("__id"))).returning().prepare(),
  );
  const params: Record<string, unknown> = { __id: id };
  for (const k of keys) params[k] = (patch as Record<string, unknown>)[k];
  return stmt.get(params)!;
}

/** An alert's waiting rows move to its new priority (an upgrade: service → emergency, emergency → fire). */
export function setQueuedPriority(db: Db, alertId: number, priority: number): void {
  db.update(notifications).set({ priority }).where(and(eq(notifications.alertId, alertId), eq(notifications.status, "queued"), sql`${notifications.priority} > 0`)).run();
}

/** At start-up: rows that were being sent when the process died go out again (at-least-once). */
export function requeueInFlight(db: Db, now: number): number {
  return db.update(notifications).set({ status: "queued", nextAttemptAt: now, updatedAt: now }).where(eq(notifications.status, "sending")).run().changes;
}

/** The outbox row of a placed call, by the provider's call sid (a hang-up names the call it ends). */
export function callBySid(db: Db, sid: string): NotificationRow | undefined {
  return prepared(db, "notifications.callBySid", () =>
    db.select().from(notifications).where(and(eq(notifications.providerSid, sql.placeholder("sid")), eq(notifications.channel, "call"))).limit(1).prepare(),
  ).get({ sid });
}
