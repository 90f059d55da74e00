/**
 * A household's door or key-safe code: set by an administrator, revealed to a dispatcher on demand.
 * Every reveal is a row of its own (who, which household, during which alert, when) in the same
 * transaction as the read, so no code leaves the database without its audit row.
 */
import { asc, eq } from "drizzle-orm";
import type { Db } from "../db/open";
import { doorCodeReveals, householdAccess } from "../db/schema";
import type { DoorCodeCipher } from "./door-code-cipher";

export interface Reveal {
  householdId: number;
  communityId: number;
  alertId: number | null;
  actor: string;
  userId: number | null;
}

/** The code and its audit row, or null when the household has no code (nothing is audited then). */
export function revealDoorCode(db: Db, cipher: DoorCodeCipher, r: Reveal, now: number): { doorCode: string; revealId: number } | null | "unreadable" {
  return db.$client.transaction(() => {
    const row = db.select().from(householdAccess).where(eq(householdAccess.householdId, r.householdId)).get();
    if (!row) return null;
    const doorCode = cipher.open(row.doorCode);
    if (doorCode === null) return "unreadable" as const;
    const audit = db.insert(doorCodeReveals).values({ ...r, at: now }).returning({ id: doorCodeReveals.id }).get();
    return { doorCode, revealId: audit.id };
  }).immediate();
}

export function setDoorCode(db: Db, cipher: DoorCodeCipher, householdId: number, code: string, now: number): void {
  const doorCode = cipher.seal(code);
  db.insert(householdAccess).values({ householdId, doorCode, updatedAt: now })
    .onConflictDoUpdate({ target: householdAccess.householdId, set: { doorCode, updatedAt: now } }).run();
}

export function clearDoorCode(db: Db, householdId: number): void {
  db.delete(householdAccess).where(eq(householdAccess.householdId, householdId)).run();
}

/** Seals the codes an older install stored in clear (at start-up); returns how many. */
export function sealClearDoorCodes(db: Db, cipher: DoorCodeCipher): number {
  let n = 0;
  db.$client.transaction(() => {
    for (const row of db.select().from(householdAccess).all()) {
      if (cipher.isSealed(row.doorCode)) continue;
      db.update(householdAccess).set({ doorCode: cipher.seal(row.doorCode) }).where(eq(householdAccess.householdId, row.householdId)).run();
      n++;
    }
  }).immediate();
  return n;
}

/** The reveals during one alert, for its audit trail. */
export function revealsOfAlert(db: Db, alertId: number) {
  return db.select().from(doorCodeReveals).where(eq(doorCodeReveals.alertId, alertId)).orderBy(asc(doorCodeReveals.id)).all();
}

/** Every reveal for a household, newest last. */
export function revealsOfHousehold(db: Db, householdId: number) {
  return db.select().from(doorCodeReveals).where(eq(doorCodeReveals.householdId, householdId)).orderBy(asc(doorCodeReveals.id)).all();
}
