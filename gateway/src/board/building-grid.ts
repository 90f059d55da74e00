/**
 * The building view (units as cells): per building, its units as columns of
 * household cells, each marked with its live alert or its worst device trouble.
 */
import { and, asc, eq, inArray, type SQL } from "drizzle-orm";
import type { GridBuilding, GridCell } from "@helpkey/shared";
import type { Db } from "../db/open";
import { buildings, communities, households, residents, units } from "../db/schema";
import { compareForQueue } from "../engine/alert-engine";
import { listActiveAlerts } from "../store/alerts";
import { deviceHealthList, worse, type DeviceHealth } from "./device-health";

export type { GridBuilding, GridCell } from "@helpkey/shared";

export function buildingGrid(db: Db, scope: { communityIds: number[] | null; buildingId?: number | undefined }): GridBuilding[] {
  const where: SQL[] = [];
  if (scope.communityIds) where.push(inArray(communities.id, scope.communityIds));
  if (scope.buildingId) where.push(eq(buildings.id, scope.buildingId));
  const rows = db.select({ b: buildings, c: communities, u: units, h: households }).from(buildings)
    .innerJoin(communities, eq(communities.id, buildings.communityId))
    .leftJoin(units, eq(units.buildingId, buildings.id))
    .leftJoin(households, eq(households.unitId, units.id))
    .where(and(...where)).orderBy(asc(communities.id), asc(buildings.name), asc(units.name), asc(households.room)).all();

  const householdIds = rows.flatMap((r) => (r.h ? [r.h.id] : []));
  const names = new Map<number, string[]>();
  if (householdIds.length) {
    for (const r of db.select().from(residents).where(inArray(residents.householdId, householdIds)).orderBy(asc(residents.id)).all()) {
      names.set(r.householdId, [...(names.get(r.householdId) ?? []), r.name]);
    }
  }
  // The most urgent live alert of a household wins its cell (there is at most one, by the unique index).
  const alertOf = new Map<number, GridCell["alert"]>();
  for (const a of listActiveAlerts(db, scope.communityIds ?? undefined).sort(compareForQueue)) {
    if (!alertOf.has(a.householdId)) alertOf.set(a.householdId, { id: a.id, state: a.state, kind: a.kind });
  }
  const health = new Map<number, { worst: DeviceHealth | null; count: number }>();
  for (const d of deviceHealthList(db, { communityIds: scope.communityIds, buildingId: scope.buildingId })) {
    const h = health.get(d.householdId) ?? { worst: null, count: 0 };
    health.set(d.householdId, { worst: worse(h.worst, d.health), count: h.count + 1 });
  }

  const out = new Map<number, GridBuilding>();
  for (const { b, c, u, h } of rows) {
    let gb = out.get(b.id);
    if (!gb) out.set(b.id, (gb = { id: b.id, name: b.name, communityId: c.id, communityName: c.name, units: [] }));
    if (!u) continue;
    let gu = gb.units.find((x) => x.id === u.id);
    if (!gu) gb.units.push((gu = { id: u.id, name: u.name, cells: [] }));
    if (!h) continue;
    const dh = health.get(h.id);
    const trouble = dh?.worst && dh.worst !== "online" ? dh.worst : null;
    gu.cells.push({ householdId: h.id, room: h.room, name: h.name, residents: names.get(h.id) ?? [], alert: alertOf.get(h.id) ?? null, trouble, devices: dh?.count ?? 0 });
  }
  return [...out.values()];
}
