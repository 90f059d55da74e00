/** The patrol roster (one per community) and the dispatches of its members to alerts. */
import { asc, eq } from "drizzle-orm";
import type { Db } from "../db/open";
import { patrolMembers, responderDispatches } from "../db/schema";

export type PatrolRow = typeof patrolMembers.$inferSelect;
export type DispatchRow = typeof responderDispatches.$inferSelect;

export function getPatrol(db: Db, id: number): PatrolRow | undefined {
  return db.select().from(patrolMembers).where(eq(patrolMembers.id, id)).get();
}

export function dispatchesOf(db: Db, alertId: number): DispatchRow[] {
  return db.select().from(responderDispatches).where(eq(responderDispatches.alertId, alertId)).orderBy(asc(responderDispatches.id)).all();
}

export function getDispatch(db: Db, id: number): DispatchRow | undefined {
  return db.select().from(responderDispatches).where(eq(responderDispatches.id, id)).get();
}

/** What the console and the incident report show of a dispatch (never its token). */
export function toDispatchView(d: DispatchRow) {
  return { id: d.id, alertId: d.alertId, patrolMemberId: d.patrolMemberId, name: d.name, dispatchedBy: d.dispatchedBy, status: d.status, createdAt: d.createdAt, updatedAt: d.updatedAt, expiresAt: d.expiresAt };
}
export type DispatchView = ReturnType<typeof toDispatchView>;
