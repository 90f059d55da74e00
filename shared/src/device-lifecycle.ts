/**
 * A device's life after provisioning: moving it to another household, maintenance (its presses reach
 * the console marked as such and nobody is texted or called), and provisioning a whole unit or
 * building at once with the installer's credentials sheet.
 */
import { z } from "zod";
import { deviceTypes } from "./domain";
import { idSchema as id } from "./ids";

/** PATCH /api/devices/:id: the household it now serves (its open alerts stay with the old one). */
export const moveDeviceSchema = z.object({ householdId: id });

/** POST …/maintenance: on sets maintenanceAt (now), off clears it. */
export const maintenanceBodySchema = z.object({ on: z.boolean() });

/** Devices one bulk call provisions at most: a large building, and a bounded burst of slow hashes. */
export const BULK_MAX_DEVICES = 2000;

/** Between the items of a room filter: a comma as typed on either keyboard, or 、. */
const ROOM_SEPARATOR = /[,，、]/;

/**
 * Which rooms of the unit or building: items separated by commas, each a room as written ("3F-2") or
 * a range of numbered rooms ("101-110", both ends in digits, low to high).
 */
export const roomFilterSchema = z
  .string()
  .trim()
  .min(1)
  .max(1000)
  .refine((s) => s.split(ROOM_SEPARATOR).every((item) => item.trim().length > 0 && item.trim().length <= 32), "rooms: comma-separated rooms or ranges such as 101-110, each at most 32 characters")
  .refine((s) => s.split(ROOM_SEPARATOR).length <= 200, "rooms: at most 200 items");

export const bulkProvisionSchema = z
  .object({
    unitId: id.optional(),
    buildingId: id.optional(),
    type: z.enum(deviceTypes),
    rooms: roomFilterSchema.optional(),
    /** Households that already have a device of this type get a new one and the old one is revoked. */
    replace: z.boolean().default(false),
  })
  .refine((b) => (b.unitId === undefined) !== (b.buildingId === undefined), { message: "give exactly one of unitId and buildingId", path: ["unitId"] });
export type BulkProvision = z.infer<typeof bulkProvisionSchema>;

/** The columns of the installer's sheet (text/csv), in order. */
export const BULK_CSV_COLUMNS = ["device_id", "secret", "household_id", "building", "unit", "room", "mqtt_url"] as const;

/**
 * Whether `room` is selected by a filter: an item equal to the room as written, or a range of digits
 * holding the room's number. "1-101" selects the room written "1-101" and rooms 1 to 101.
 */
export function roomMatcher(filter: string): (room: string) => boolean {
  const literals = new Set<string>();
  const ranges: [number, number][] = [];
  for (const raw of filter.split(ROOM_SEPARATOR)) {
    const item = raw.trim();
    literals.add(item);
    const m = /^(\d{1,9})\s*-\s*(\d{1,9})$/.exec(item);
    if (m && Number(m[1]) <= Number(m[2])) ranges.push([Number(m[1]), Number(m[2])]);
  }
  return (room) => {
    const r = room.trim();
    if (literals.has(r)) return true;
    if (!/^\d{1,9}$/.test(r)) return false;
    const n = Number(r);
    return ranges.some(([lo, hi]) => n >= lo && n <= hi);
  };
}
