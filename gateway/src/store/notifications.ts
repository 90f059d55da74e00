/** Outbox rows (one per SMS or call) and their console view. */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { NotificationStatus, NotificationView } from "@helpkey/shared";
import type { Db } from "../db/open";
import { notifications } from "../db/schema";

export type NotificationRow = typeof notifications.$inferSelect;
export type NewNotification = typeof notifications.$inferInsert;

export function toNotificationView(r: NotificationRow): NotificationView {
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

export function insertNotification(db: Db, n: NewNotification): NotificationRow {
  return db.insert(notifications).values(n).returning().get();
}

export function getNotification(db: Db, id: number): NotificationRow | undefined {
  return db.select().from(notifications).where(eq(notifications.id, id)).get();
}

export function notificationsOfAlert(db: Db, alertId: number): NotificationRow[] {
  return db.select().from(notifications).where(eq(notifications.alertId, alertId)).orderBy(asc(notifications.id)).all();
}

/**
 * The head of one channel's send queue, in priority order (wave, round, id), due or not:
 * the worker sends strictly in this order, so a row waiting out a backoff holds back the rows
 * behind it (a 429 means the whole account is congested) and priority order survives retries.
 */
export function queueHead(db: Db, channel: "sms" | "call", limit: number): NotificationRow[] {
  return db
    .select()
    .from(notifications)
    .where(and(eq(notifications.status, "queued"), eq(notifications.channel, channel)))
    .orderBy(asc(notifications.wave), asc(notifications.round), asc(notifications.id))
    .limit(limit)
    .all();
}

export function updateNotification(db: Db, id: number, patch: Partial<NewNotification>): NotificationRow {
  return db.update(notifications).set(patch).where(eq(notifications.id, id)).returning().get()!;
}

/** At start-up: rows that were being sent when the process died go out again (at-least-once). */
export function requeueInFlight(db: Db, now: number): number {
  return db.update(notifications).set({ status: "queued", nextAttemptAt: now, updatedAt: now }).where(eq(notifications.status, "sending")).run().changes;
}

export function pendingOfAlert(db: Db, alertId: number, statuses: string[]): NotificationRow[] {
  return db.select().from(notifications).where(and(eq(notifications.alertId, alertId), inArray(notifications.status, statuses))).all();
}
