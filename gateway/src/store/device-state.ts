/** What devices report about themselves (status, battery, last seen): written on every status and press. */
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/open";
import { devices } from "../db/schema";
import { prepared } from "./prepared";

export type DeviceRow = typeof devices.$inferSelect;

const ph = (name: string) => sql.placeholder(name);
/** A placeholder where an UPDATE's SET wants an SQL value (the caller passes driver values: 0/1 for booleans). */
const bind = (name: string) => sql`${sql.placeholder(name)}`;

/** A status message: online flag and time always; battery and firmware only when reported. */
export function updateDeviceStatus(db: Db, id: string, s: { online: boolean; at: number; battery: number | null; fw: string | null }): DeviceRow | undefined {
  return prepared(db, "devices.status", () =>
    db.update(devices).set({
      online: bind("online"), lastSeenAt: bind("at"),
      battery: sql`coalesce(${ph("battery")}, ${devices.battery})`,
      fw: sql`coalesce(${ph("fw")}, ${devices.fw})`,
    }).where(eq(devices.id, ph("id"))).returning().prepare(),
  ).get({ id, online: s.online ? 1 : 0, at: s.at, battery: s.battery, fw: s.fw });
}

/** A press carries the battery level: kept with the time the device was last heard from. */
export function updateDeviceBattery(db: Db, id: string, battery: number, at: number): void {
  prepared(db, "devices.battery", () =>
    db.update(devices).set({ battery: bind("battery"), lastSeenAt: bind("at") }).where(eq(devices.id, ph("id"))).prepare(),
  ).run({ id, battery, at });
}
