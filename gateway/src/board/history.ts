/**
 * History search (by date, building, household, kind, outcome): every alert, live or closed,
 * newest first, in the caller's communities only.
 */
import { and, desc, eq, exists, gte, inArray, like, lt, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { alarmKinds, alertStates, boundedCountText, countTextSchema, idTextSchema as id, outcomes } from "@helpkey/shared";
import type { Db } from "../db/open";
import { alerts, buildings, households, residents, units } from "../db/schema";
import type { AlertRow } from "../store/alerts";

const ms = countTextSchema;

export const historyQuerySchema = z.object({
  /** First press at or after (epoch ms). */
  from: ms.optional(),
  /** First press before (epoch ms). */
  to: ms.optional(),
  communityId: id.optional(),
  buildingId: id.optional(),
  householdId: id.optional(),
  /** A room number or part of a resident's name. */
  q: z.string().trim().max(64).optional(),
  kind: z.enum(alarmKinds).optional(),
  outcome: z.enum(outcomes).optional(),
  state: z.enum(alertStates).optional(),
  limit: boundedCountText(1, 1000).default(200),
});
export type HistoryQuery = z.infer<typeof historyQuerySchema>;

/** LIKE with the user's % and _ taken literally. */
const likeArg = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function searchHistory(db: Db, q: HistoryQuery, communityIds: number[] | null): AlertRow[] {
  const where: SQL[] = [];
  if (communityIds) where.push(inArray(alerts.communityId, communityIds));
  if (q.communityId) where.push(eq(alerts.communityId, q.communityId));
  if (q.from !== undefined) where.push(gte(alerts.firstPressAt, q.from));
  if (q.to !== undefined) where.push(lt(alerts.firstPressAt, q.to));
  if (q.buildingId) where.push(eq(units.buildingId, q.buildingId));
  if (q.householdId) where.push(eq(alerts.householdId, q.householdId));
  if (q.kind) where.push(eq(alerts.kind, q.kind));
  if (q.outcome) where.push(eq(alerts.outcome, q.outcome));
  if (q.state) where.push(eq(alerts.state, q.state));
  if (q.q) {
    const named = db.select({ one: sql`1` }).from(residents)
      .where(and(eq(residents.householdId, alerts.householdId), sql`${residents.name} LIKE ${likeArg(q.q)} ESCAPE '\\'`));
    where.push(or(eq(households.room, q.q), like(households.name, likeArg(q.q)), exists(named))!);
  }
  return db.select({ a: alerts }).from(alerts)
    .innerJoin(households, eq(households.id, alerts.householdId))
    .innerJoin(units, eq(units.id, households.unitId))
    .innerJoin(buildings, eq(buildings.id, units.buildingId))
    .where(and(...where)).orderBy(desc(alerts.id)).limit(q.limit).all().map((r) => r.a);
}
