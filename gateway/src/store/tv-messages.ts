/** Messages sent to set-top boxes (`cmd display` with msgId = row id) and what became of them. */
import { and, asc, desc, eq, inArray, isNull, type SQL } from "drizzle-orm";
import type { TvMessageView } from "@helpkey/shared";
import type { Db } from "../db/open";
import { devices, tvMessages } from "../db/schema";

export type TvMessageRow = typeof tvMessages.$inferSelect;

export function toTvMessageView(r: TvMessageRow): TvMessageView {
  return { id: r.id, householdId: r.householdId, deviceId: r.deviceId, text: r.text, by: r.by, createdAt: r.createdAt, status: r.status, shownAt: r.shownAt, dismissedAt: r.dismissedAt };
}

/** The household's set-top boxes that are not revoked. */
export function stbsOf(db: Db, householdIds: number[]): { id: string; householdId: number }[] {
  if (householdIds.length === 0) return [];
  return db.select({ id: devices.id, householdId: devices.householdId }).from(devices)
    .where(and(inArray(devices.householdId, householdIds), eq(devices.type, "stb"), isNull(devices.revokedAt)))
    .orderBy(asc(devices.householdId), asc(devices.id)).all();
}

export function insertTvMessage(db: Db, m: Omit<TvMessageRow, "id" | "shownAt" | "dismissedAt">): TvMessageRow {
  return db.insert(tvMessages).values(m).returning().get();
}

/**
 * The device reports a message shown or dismissed: only its own message, and only forward
 * (sent → shown → dismissed; a dismissal also counts as shown). Undefined when nothing changed.
 */
export function reportTvMessage(db: Db, deviceId: string, msgId: number, what: "shown" | "dismissed", at: number): TvMessageRow | undefined {
  const row = db.select().from(tvMessages).where(and(eq(tvMessages.id, msgId), eq(tvMessages.deviceId, deviceId))).get();
  if (!row || row.status === "dismissed" || (what === "shown" && row.status === "shown")) return undefined;
  const patch = what === "shown" ? { status: "shown" as const, shownAt: at } : { status: "dismissed" as const, dismissedAt: at, shownAt: row.shownAt ?? at };
  return db.update(tvMessages).set(patch).where(eq(tvMessages.id, msgId)).returning().get();
}

export function listTvMessages(db: Db, q: { householdIds?: number[] | undefined; communityIds?: number[] | undefined; limit: number }): TvMessageRow[] {
  const where: SQL[] = [];
  if (q.householdIds) where.push(inArray(tvMessages.householdId, q.householdIds));
  if (q.communityIds) where.push(inArray(tvMessages.communityId, q.communityIds));
  return db.select().from(tvMessages).where(and(...where)).orderBy(desc(tvMessages.id)).limit(q.limit).all();
}
