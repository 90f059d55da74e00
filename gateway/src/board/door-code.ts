/**
 * A household's door or key-safe code: set by an administrator, revealed to a dispatcher on demand.
 * Every reveal is a row of its own (who, which household, during which alert, when) in the same
 * transaction as the read, so no code leaves the database without its audit row.
 */
import { asc, eq } from "drizzle-orm";
import type { Db } from "../db/open";
import { doorCodeReveals, householdAccess } from "../db/schema";

export interface Reveal {
  householdId: number;
  communityId: number;
  alertId: number | null;
  actor: string;
  userId: number | null;
}

/** The code and its audit row, or null when the household has no code (nothing is audited then). */
export function revealDoorCode(db: Db, r: Reveal, now: number): { doorCode: string; revealId: number } | null {
  return db.$client.transaction(() => {
    const row = db.select().from(householdAccess).where(eq(householdAccess.householdId, r.householdId)).get();
    if (!row) return null;
    const audit = db.insert(doorCodeReveals).values({ ...r, at: now }).returning({ id: doorCodeReveals.id }).get();
    return { doorCode: row.doorCode, revealId: audit.id };
  }).immediate();
}

export function setDoorCode(db: Db, householdId: number, doorCode: string, now: number): void {
  db.insert(householdAccess).values({ householdId, doorCode, updatedAt: now })
    .onConflictDoUpdate({ target: householdAccess.householdId, set: { doorCode, updatedAt: now } }).run();
}

export function clearDoorCode(db: Db, householdId: number): void {
  db.delete(householdAccess).where(eq(householdAccess.householdId, householdId)).run();
}

/** The reveals during one alert, for its audit trail. */
export function revealsOfAlert(db: Db, alertId: number) {
  return db.select().from(doorCodeReveals).where(eq(doorCodeReveals.alertId, alertId)).orderBy(asc(doorCodeReveals.id)).all();
}

/** Every reveal for a household, newest last. */
export function revealsOfHousehold(db: Db, householdId: number) {
  return db.select().from(doorCodeReveals).where(eq(doorCodeReveals.householdId, householdId)).orderBy(asc(doorCodeReveals.id)).all();
}
