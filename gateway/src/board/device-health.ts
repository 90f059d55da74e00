/**
 * The device health board: online, offline for longer than supervision allows, low battery, never
 * seen. The broker publishes a device's Last Will once its keepalive lapses
 * (1.5 × keepalive, MQTT 3.1.1 §3.1.2.10), so `online = false` already means supervision failed;
 * the time of that status is "offline since". A device that reused a seq for a new press lost its
 * counter (a firmware fault or a reset): the board says "sequence reset" so someone looks at it.
 * Each row also says how the device is supervised (its window and keepalive, close watch or not),
 * its last self-test and its open technical alerts.
 */
import { and, asc, eq, inArray, isNull, type SQL } from "drizzle-orm";
import type { Db } from "../db/open";
import { policyFrom, type DeviceHealth, type DeviceHealthRow, type Policy } from "@helpkey/shared";
import type { DeviceSupervision } from "@helpkey/shared/supervision";
import { buildings, communities, devices, households, units } from "../db/schema";
import { openFaultsIn } from "../store/device-faults";
import { keepaliveFor, windowOf } from "../supervision/rules";

export { deviceHealths, type DeviceHealth, type DeviceHealthRow } from "@helpkey/shared";

/** Below the community's level (policy supervision.lowBatteryPct) a visit to change the battery is due before the device goes silent. */
export function healthOf(d: { online: boolean; battery: number | null; lastSeenAt: number | null }, lowBatteryPct: number): DeviceHealth {
  if (d.lastSeenAt === null) return "never_seen";
  if (!d.online) return "offline";
  if (d.battery !== null && d.battery < lowBatteryPct) return "low_battery";
  return "online";
}

export type SupervisedHealthRow = DeviceHealthRow & DeviceSupervision;

export interface DeviceFilter {
  communityIds: number[] | null;
  buildingId?: number | undefined;
  householdId?: number | undefined;
}

/** Every provisioned, unrevoked device in scope, with where it is and how it is. */
export function deviceHealthList(db: Db, f: DeviceFilter): SupervisedHealthRow[] {
  const where: SQL[] = [isNull(devices.revokedAt)];
  if (f.communityIds) where.push(inArray(communities.id, f.communityIds));
  if (f.buildingId) where.push(eq(buildings.id, f.buildingId));
  if (f.householdId) where.push(eq(households.id, f.householdId));
  const rows = db.select({ d: devices, h: households, u: units, b: buildings, c: communities }).from(devices)
    .innerJoin(households, eq(households.id, devices.householdId))
    .innerJoin(units, eq(units.id, households.unitId))
    .innerJoin(buildings, eq(buildings.id, units.buildingId))
    .innerJoin(communities, eq(communities.id, buildings.communityId))
    .where(and(...where)).orderBy(asc(buildings.name), asc(units.name), asc(households.room), asc(devices.id)).all();
  const policies = new Map<number, Policy["supervision"]>();
  const policyOf = (id: number, json: string | null) => policies.get(id) ?? policies.set(id, policyFrom(json).supervision).get(id)!;
  const faults = new Map<string, DeviceSupervision["faults"]>();
  for (const x of openFaultsIn(db, f.communityIds)) faults.set(x.deviceId, [...(faults.get(x.deviceId) ?? []), x.type]);
  return rows.map(({ d, h, u, b, c }) => {
    const p = policyOf(c.id, c.policy);
    return {
      id: d.id, type: d.type, householdId: h.id, communityId: c.id, buildingId: b.id,
      address: { community: c.name, building: b.name, unit: u.name, room: h.room },
      online: d.online, battery: d.battery, fw: d.fw, lastSeenAt: d.lastSeenAt, health: healthOf(d, p.lowBatteryPct), seqResetAt: d.seqResetAt,
      supervisionS: d.supervisionS, windowS: windowOf(p, d.supervisionS), keepaliveS: keepaliveFor(p, d.supervisionS), closeWindowS: p.closeWindowS,
      selftestOk: d.selftestOk, selftestAt: d.selftestAt, faults: faults.get(d.id) ?? [],
    };
  });
}

/** The worse of two healths, for a household with several devices (a cell shows one colour). */
export function worse(a: DeviceHealth | null, b: DeviceHealth): DeviceHealth {
  const rank: Record<DeviceHealth, number> = { offline: 3, never_seen: 2, low_battery: 1, online: 0 };
  return a === null || rank[b] > rank[a] ? b : a;
}
