/**
 * The registry's record kinds: communities → buildings → units → households → residents, contacts.
 * For each: its table and bodies, its parent, the phone fields typed into it, how its rows are
 * narrowed to a set of communities (in SQL), its list filters, and what keeps it from being deleted.
 */
import { and, eq, inArray, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { z } from "zod";
import {
  createBuildingSchema, createCommunitySchema, createContactSchema, createHouseholdSchema, createResidentSchema, createUnitSchema,
  listQuerySchemas, patchSchemas,
} from "@helpkey/shared";
import type { Db } from "../db/open";
import { alerts, buildings, communities, contacts, devices, grids, helpGroups, households, patrolMembers, residents, units } from "../db/schema";

export type Kind = keyof typeof patchSchemas;
type Table = SQLiteTable & { id: SQLiteColumn };
type Row = Record<string, unknown>;
type ListQuery = Record<string, unknown>;

export interface KindDef {
  table: Table;
  /** The audit trail's name for one record of this kind. */
  entity: string;
  create: z.ZodType<Row>;
  patch: z.ZodType<Row>;
  list: z.ZodType<ListQuery>;
  parent?: { key: string; kind: Kind; column: SQLiteColumn };
  /** Phone numbers typed by a person, read in the community's country. */
  phoneFields: readonly string[];
  /** Stored as JSON text. */
  jsonFields?: readonly string[];
  /** Its rows within these communities (a non-empty list). */
  within(db: Db, communityIds: number[]): SQL;
  /** The list's filters beyond scope and page. */
  filters(db: Db, q: ListQuery): SQL[];
  /** Records that must go before this one can (their column names this record's id). */
  dependents: readonly { what: string; note?: string; column: SQLiteColumn }[];
}

const householdsWithin = (db: Db, communityIds: number[]) =>
  db.select({ id: households.id }).from(households)
    .innerJoin(units, eq(units.id, households.unitId))
    .innerJoin(buildings, eq(buildings.id, units.buildingId))
    .where(inArray(buildings.communityId, communityIds));

const eqIf = (column: SQLiteColumn, value: unknown): SQL[] => (value === undefined ? [] : [eq(column, value)]);

export const kinds: Record<Kind, KindDef> = {
  communities: {
    table: communities, entity: "community", create: createCommunitySchema, patch: patchSchemas.communities, list: listQuerySchemas.communities,
    phoneFields: ["phone", "supervisorPhone"], jsonFields: ["policy"],
    within: (_db, ids) => inArray(communities.id, ids),
    filters: (_db, q) => eqIf(communities.districtId, q.districtId),
    dependents: [
      { what: "buildings", column: buildings.communityId }, { what: "alerts", note: "its alarm history", column: alerts.communityId },
      { what: "patrol members", column: patrolMembers.communityId }, { what: "grids", column: grids.communityId },
      { what: "help groups", column: helpGroups.communityId },
    ],
  },
  buildings: {
    table: buildings, entity: "building", create: createBuildingSchema, patch: patchSchemas.buildings, list: listQuerySchemas.buildings,
    parent: { key: "communityId", kind: "communities", column: buildings.communityId }, phoneFields: [],
    within: (_db, ids) => inArray(buildings.communityId, ids),
    filters: (_db, q) => eqIf(buildings.communityId, q.communityId),
    dependents: [{ what: "units", column: units.buildingId }],
  },
  units: {
    table: units, entity: "unit", create: createUnitSchema, patch: patchSchemas.units, list: listQuerySchemas.units,
    parent: { key: "buildingId", kind: "buildings", column: units.buildingId }, phoneFields: [],
    within: (db, ids) => inArray(units.buildingId, db.select({ id: buildings.id }).from(buildings).where(inArray(buildings.communityId, ids))),
    filters: (_db, q) => eqIf(units.buildingId, q.buildingId),
    dependents: [{ what: "households", column: households.unitId }],
  },
  households: {
    table: households, entity: "household", create: createHouseholdSchema, patch: patchSchemas.households, list: listQuerySchemas.households,
    parent: { key: "unitId", kind: "units", column: households.unitId }, phoneFields: [],
    within: (db, ids) => inArray(households.id, householdsWithin(db, ids)),
    filters: (db, q) => [
      ...eqIf(households.unitId, q.unitId),
      ...eqIf(households.livesAlone, q.livesAlone),
      ...(q.buildingId === undefined ? [] : [inArray(households.unitId, db.select({ id: units.id }).from(units).where(eq(units.buildingId, q.buildingId as number)))]),
      ...(q.communityId === undefined ? [] : [inArray(households.id, householdsWithin(db, [q.communityId as number]))]),
    ],
    dependents: [
      { what: "residents", column: residents.householdId }, { what: "contacts", column: contacts.householdId },
      { what: "devices", column: devices.householdId }, { what: "alerts", note: "its alarm history", column: alerts.householdId },
    ],
  },
  residents: {
    table: residents, entity: "resident", create: createResidentSchema, patch: patchSchemas.residents, list: listQuerySchemas.residents,
    parent: { key: "householdId", kind: "households", column: residents.householdId }, phoneFields: ["phone"],
    within: (db, ids) => inArray(residents.householdId, householdsWithin(db, ids)),
    filters: (_db, q) => eqIf(residents.householdId, q.householdId),
    dependents: [],
  },
  contacts: {
    table: contacts, entity: "contact", create: createContactSchema, patch: patchSchemas.contacts, list: listQuerySchemas.contacts,
    parent: { key: "householdId", kind: "households", column: contacts.householdId }, phoneFields: ["phone"],
    within: (db, ids) => inArray(contacts.householdId, householdsWithin(db, ids)),
    filters: (_db, q) => [...eqIf(contacts.householdId, q.householdId), ...eqIf(contacts.role, q.role)],
    dependents: [],
  },
};

export function getRow(db: Db, kind: Kind, id: number): Row | undefined {
  const t = kinds[kind].table;
  return db.select().from(t).where(eq(t.id, id)).get() as Row | undefined;
}

/** The row of `kind` with this id, if the caller (scoped to `communityIds`; null: all) sees it. */
export function getVisibleRow(db: Db, kind: Kind, id: number, communityIds: number[] | null): Row | undefined {
  const def = kinds[kind];
  if (communityIds?.length === 0) return undefined;
  const scope = communityIds === null ? undefined : def.within(db, communityIds);
  return db.select().from(def.table).where(and(eq(def.table.id, id), scope)).get() as Row | undefined;
}

export type CommunityRow = typeof communities.$inferSelect;

/** The community a record (or a create body, which names its parent) belongs to, through its parents. */
export function communityOf(db: Db, kind: Kind, row: Row): CommunityRow | undefined {
  if (kind === "communities") return row as CommunityRow;
  const parent = kinds[kind].parent!;
  const up = getRow(db, parent.kind, row[parent.key] as number);
  return up && communityOf(db, parent.kind, up);
}

/** The stored row as the API shows it: JSON fields parsed; a resident carries its household's livesAlone (read-only). */
export function viewsOf(db: Db, kind: Kind, rows: Row[]): Row[] {
  const def = kinds[kind];
  const out = rows.map((row) => {
    const view = { ...row };
    for (const f of def.jsonFields ?? []) if (typeof view[f] === "string") view[f] = JSON.parse(view[f] as string);
    return view;
  });
  if (kind !== "residents" || out.length === 0) return out;
  const ids = [...new Set(out.map((r) => r.householdId as number))];
  const alone = new Map(db.select({ id: households.id, livesAlone: households.livesAlone }).from(households).where(inArray(households.id, ids)).all().map((h) => [h.id, h.livesAlone]));
  return out.map((r) => ({ ...r, livesAlone: alone.get(r.householdId as number) ?? false }));
}

export const viewOf = (db: Db, kind: Kind, row: Row): Row => viewsOf(db, kind, [row])[0]!;

/** A body as stored: JSON fields as text. */
export function toStored(kind: Kind, body: Row): Row {
  const row = { ...body };
  for (const f of kinds[kind].jsonFields ?? []) if (row[f] !== undefined) row[f] = JSON.stringify(row[f]);
  return row;
}
