/** The welfare timer of households that live alone: last sign of life and when a check is due (a durable timer). */
import { and, asc, eq, isNotNull, lte, sql } from "drizzle-orm";
import type { Db } from "../db/open";
import { households } from "../db/schema";
import { prepared } from "./prepared";

const ph = (name: string) => sql.placeholder(name);

/** A sign of life: the latest one is kept (a late report never moves it back), with the new due time (null: none). */
export function recordSignOfLife(db: Db, householdId: number, at: number, dueAt: number | null): void {
  prepared(db, "welfare.sign", () =>
    db.update(households).set({
      lastSignOfLifeAt: sql`max(coalesce(${households.lastSignOfLifeAt}, 0), ${ph("at")})`,
      welfareDueAt: sql`CASE WHEN coalesce(${households.lastSignOfLifeAt}, 0) > ${ph("at")} THEN ${households.welfareDueAt} ELSE ${ph("due")} END`,
    }).where(eq(households.id, ph("id"))).prepare(),
  ).run({ id: householdId, at, due: dueAt });
}

export function setWelfareDue(db: Db, householdId: number, dueAt: number | null): void {
  prepared(db, "welfare.due", () => db.update(households).set({ welfareDueAt: sql`${ph("due")}` }).where(eq(households.id, ph("id"))).prepare()).run({ id: householdId, due: dueAt });
}

/** Up to `limit` households whose welfare check is due by `now`, the longest due first. */
export function dueWelfare(db: Db, now: number, limit: number): { id: number; welfareDueAt: number }[] {
  return prepared(db, "welfare.dueList", () =>
    db.select({ id: households.id, welfareDueAt: households.welfareDueAt }).from(households)
      .where(and(isNotNull(households.welfareDueAt), lte(households.welfareDueAt, ph("now"))))
      .orderBy(asc(households.welfareDueAt), asc(households.id)).limit(ph("limit")).prepare(),
  ).all({ now, limit }) as { id: number; welfareDueAt: number }[];
}

export function nextWelfareDue(db: Db): number | null {
  return prepared(db, "welfare.next", () => db.select({ at: sql<number | null>`min(${households.welfareDueAt})` }).from(households).prepare()).get()?.at ?? null;
}

/** The community's running watches: each household's last sign of life (null: none since the watch began). */
export function runningWatches(db: Db, communityId: number): { id: number; lastSignOfLifeAt: number | null }[] {
  return db.$client.prepare(
    `SELECT h.id AS id, h.last_sign_of_life_at AS lastSignOfLifeAt FROM households h
     JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id
     WHERE b.community_id = ? AND h.welfare_due_at IS NOT NULL`,
  ).all(communityId) as { id: number; lastSignOfLifeAt: number | null }[];
}
