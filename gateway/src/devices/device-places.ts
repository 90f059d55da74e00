/** Where devices live: a household's community and address, the households of a unit or building, and their devices. */
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { DeviceType } from "@helpkey/shared";
import type { Db } from "../db/open";
import { buildings, devices, households, units } from "../db/schema";

export type DeviceRow = typeof devices.$inferSelect;

/** A device as the API and the audit trail show it: never its secret's hash. */
export function deviceView({ secretHash: _, ...d }: DeviceRow): Omit<DeviceRow, "secretHash"> {
  return d;
}

export interface HouseholdPlace {
  householdId: number;
  communityId: number;
  building: string;
  unit: string;
  room: string;
}

const placeColumns = { householdId: households.id, communityId: buildings.communityId, building: buildings.name, unit: units.name, room: households.room };

export function placeOfHousehold(db: Db, householdId: number): HouseholdPlace | undefined {
  return db.select(placeColumns).from(households)
    .innerJoin(units, eq(units.id, households.unitId))
    .innerJoin(buildings, eq(buildings.id, units.buildingId))
    .where(eq(households.id, householdId)).get();
}

/** Every household of the unit or of the building, in building, unit and room order. */
export function householdsIn(db: Db, at: { unitId: number } | { buildingId: number }): HouseholdPlace[] {
  return db.select(placeColumns).from(households)
    .innerJoin(units, eq(units.id, households.unitId))
    .innerJoin(buildings, eq(buildings.id, units.buildingId))
    .where("unitId" in at ? eq(units.id, at.unitId) : eq(buildings.id, at.buildingId))
    .orderBy(asc(units.id), asc(households.room), asc(households.id)).all();
}

/** The unrevoked devices of this type in these households. */
export function liveDevicesOf(db: Db, householdIds: number[], type: DeviceType): DeviceRow[] {
  if (householdIds.length === 0) return [];
  const out: DeviceRow[] = [];
  // SQLite binds at most 32,766 values per statement: a building's households go in slices
  for (let i = 0; i < householdIds.length; i += 500) {
    const slice = householdIds.slice(i, i + 500);
    out.push(...db.select().from(devices).where(and(inArray(devices.householdId, slice), eq(devices.type, type), isNull(devices.revokedAt))).all());
  }
  return out;
}
