/**
 * A community's import from a CSV file (docs/csv-import.md): decode → table → rows → households,
 * checked against what the community already has, then either the report alone (dry run, or any bad
 * row) or every record written in one transaction with one audit row for the import.
 *
 * Reading and checking the rows runs in slices (the event loop keeps acking alarms meanwhile); the
 * check against the database and the writes run in one synchronous transaction, so nothing can add
 * a household between them. Existing households are never changed: a row naming a building, unit and
 * room the community already has is a row error, so importing the same file twice creates nothing twice.
 */
import { eq, inArray } from "drizzle-orm";
import { importError, MAX_IMPORT_ERRORS, type ImportError, type ImportReport } from "@helpkey/shared";
import type { AlertContext } from "../alerts/context";
import type { Db } from "../db/open";
import { buildings, households, units, type communities } from "../db/schema";
import { prepared } from "../store/prepared";
import { setWelfareDue } from "../store/welfare";
import { rearmWelfare } from "../welfare/welfare-flow";
import { recordChange, type AuditActor } from "./audit";
import { decodeCsv, type Encoding } from "./csv-decode";
import { planRows, type PlannedHousehold } from "./csv-plan";
import { readCsvTable } from "./csv-rows";
import { timeSlicer } from "./time-slice";

type Community = typeof communities.$inferSelect;

export interface ImportRequest {
  community: Community;
  bytes: Buffer;
  encoding: Encoding;
  dryRun: boolean;
  actor: AuditActor;
  now: () => number;
}

/** The file could not be read as text at all (the route's 400). */
export class ImportEncodingError extends Error {}

/** The longest the reading and checking holds the event loop at a time. */
const SLICE_MS = 10;

/** Existing buildings of the community by name, their units by name, the units' rooms. */
interface Existing {
  buildings: Map<string, { id: number; units: Map<string, { id: number; rooms: Map<string, number> }> }>;
}

function existingOf(db: Db, communityId: number): Existing {
  const bs = db.select({ id: buildings.id, name: buildings.name }).from(buildings).where(eq(buildings.communityId, communityId)).all();
  const out: Existing = { buildings: new Map() };
  for (const b of bs) if (!out.buildings.has(b.name)) out.buildings.set(b.name, { id: b.id, units: new Map() });
  const byId = new Map(bs.map((b) => [b.id, out.buildings.get(b.name)!]));
  if (bs.length === 0) return out;
  const us = db.select({ id: units.id, name: units.name, buildingId: units.buildingId }).from(units).where(inArray(units.buildingId, bs.map((b) => b.id))).all();
  const unitById = new Map<number, { id: number; rooms: Map<string, number> }>();
  for (const u of us) {
    const b = byId.get(u.buildingId)!;
    if (!b.units.has(u.name)) b.units.set(u.name, { id: u.id, rooms: new Map() });
    unitById.set(u.id, b.units.get(u.name)!);
  }
  if (us.length === 0) return out;
  const hs = db.select({ id: households.id, unitId: households.unitId, room: households.room }).from(households).where(inArray(households.unitId, us.map((u) => u.id))).all();
  for (const h of hs) unitById.get(h.unitId)!.rooms.set(h.room, h.id);
  return out;
}

/** Runs the import; the report says what was (or would be) created and every bad row. */
export async function importCsv(ctx: AlertContext, req: ImportRequest): Promise<ImportReport> {
  const decoded = decodeCsv(req.bytes, req.encoding);
  if (!decoded.ok) throw new ImportEncodingError(decoded.reason);
  const slice = timeSlicer(SLICE_MS);
  const table = await readCsvTable(decoded.text, slice);
  const plan = table.errors.length > 0 ? { households: [], errors: [] } : await planRows(table, req.community.countryCode, slice);
  const report = (errors: ImportError[], counts: Counts, applied: boolean): ImportReport => ({
    communityId: req.community.id, dryRun: req.dryRun, applied, encoding: decoded.encoding, rows: table.rows.length, ...counts,
    ignoredColumns: table.ignoredColumns, errors: errors.slice(0, MAX_IMPORT_ERRORS), errorCount: errors.length,
  });

  try {
    return ctx.db.$client.transaction(() => {
      const existing = existingOf(ctx.db, req.community.id);
      const errors = [...table.errors, ...plan.errors, ...clashes(existing, plan.households, table.headers.get("room"))]
        .sort((a, b) => a.line - b.line || a.field.localeCompare(b.field));
      const counts = countsOf(existing, plan.households);
      if (req.dryRun || errors.length > 0) return report(errors, counts, false);
      const created = write(ctx, req, existing, plan.households);
      const done = report([], counts, true);
      // one audit row for the import: its counts and the ids it created (consecutive within one transaction)
      recordChange(ctx.db, {
        actor: req.actor, communityId: req.community.id, entity: "import", entityId: req.community.id, action: "create",
        after: { encoding: done.encoding, rows: done.rows, bytes: req.bytes.length, created }, at: req.now(),
      });
      return done;
    }).immediate();
  } finally {
    ctx.dir.invalidate();
  }
}

interface Counts {
  buildings: number;
  units: number;
  households: number;
  residents: number;
  contacts: number;
  livesAlone: number;
}

function countsOf(existing: Existing, planned: PlannedHousehold[]): Counts {
  const newBuildings = new Set<string>();
  const newUnits = new Set<string>();
  for (const h of planned) {
    const b = existing.buildings.get(h.building);
    if (!b) newBuildings.add(h.building);
    if (!b?.units.has(h.unit)) newUnits.add(`${h.building}\u0000${h.unit}`);
  }
  return {
    buildings: newBuildings.size, units: newUnits.size, households: planned.length,
    residents: planned.reduce((n, h) => n + h.residents.length, 0), contacts: planned.reduce((n, h) => n + h.contacts.length, 0),
    livesAlone: planned.filter((h) => h.livesAlone).length,
  };
}

/** Every row of a planned household the community already has. */
function clashes(existing: Existing, planned: PlannedHousehold[], roomHeader: string | undefined): ImportError[] {
  const out: ImportError[] = [];
  for (const h of planned) {
    const id = existing.buildings.get(h.building)?.units.get(h.unit)?.rooms.get(h.room);
    if (id === undefined) continue;
    for (const line of h.lines) {
      out.push(importError({ line, field: "room", ...(roomHeader ? { column: roomHeader } : {}) }, { code: "household_exists", place: `${h.building} ${h.unit} ${h.room}`, id }));
    }
  }
  return out;
}

/**
 * Prepared once per database, in plain SQL: an import writes tens of thousands of rows in one
 * synchronous transaction, and each microsecond per row is time no alarm is acked.
 */
function statements(db: Db) {
  return prepared(db, "import.inserts", () => ({
    building: db.$client.prepare<[number, string, number]>("INSERT INTO buildings (community_id, name, created_at) VALUES (?, ?, ?)"),
    unit: db.$client.prepare<[number, string, number]>("INSERT INTO units (building_id, name, created_at) VALUES (?, ?, ?)"),
    household: db.$client.prepare<[number, string, string | null, string | null, number, number]>(
      "INSERT INTO households (unit_id, room, name, notes, lives_alone, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    resident: db.$client.prepare<[number, string, number | null, string, string | null, string | null, string | null, number]>(
      "INSERT INTO residents (household_id, name, age, language, medical, mobility, phone, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    contact: db.$client.prepare<[number, string, string, string, number, number, string, string, number]>(
      "INSERT INTO contacts (household_id, name, phone, relation, priority, has_key, role, language, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ),
  }));
}

type Kind = "buildings" | "units" | "households" | "residents" | "contacts";
/** Per kind: how many were created and the first and last id. */
type Created = Record<Kind, { count: number; firstId: number | null; lastId: number | null }>;

function write(ctx: AlertContext, req: ImportRequest, existing: Existing, planned: PlannedHousehold[]): Created {
  const q = statements(ctx.db);
  const at = req.now();
  const created = Object.fromEntries((["buildings", "units", "households", "residents", "contacts"] as const).map((k) => [k, { count: 0, firstId: null, lastId: null }])) as Created;
  const note = (kind: Kind, id: number) => {
    const c = created[kind];
    c.count++;
    c.firstId ??= id;
    c.lastId = id;
    return id;
  };
  const lonely: number[] = [];
  const language = req.community.language;
  const id = (r: { lastInsertRowid: number | bigint }) => Number(r.lastInsertRowid);
  for (const h of planned) {
    let b = existing.buildings.get(h.building);
    if (!b) {
      b = { id: note("buildings", id(q.building.run(req.community.id, h.building, at))), units: new Map() };
      existing.buildings.set(h.building, b);
    }
    let u = b.units.get(h.unit);
    if (!u) {
      u = { id: note("units", id(q.unit.run(b.id, h.unit, at))), rooms: new Map() };
      b.units.set(h.unit, u);
    }
    const householdId = note("households", id(q.household.run(u.id, h.room, h.name ?? null, h.notes ?? null, h.livesAlone ? 1 : 0, at)));
    u.rooms.set(h.room, householdId);
    if (h.livesAlone) lonely.push(householdId);
    for (const r of h.residents) {
      note("residents", id(q.resident.run(householdId, r.name, r.age ?? null, r.language ?? language, r.medical ?? null, r.mobility ?? null, r.phone ?? null, at)));
    }
    for (const c of h.contacts) {
      note("contacts", id(q.contact.run(householdId, c.name, c.phone, c.relation, c.priority, c.hasKey ? 1 : 0, c.role, c.language ?? language, at)));
    }
  }
  // every lone household's welfare watch starts now, in the same transaction; they share the
  // community's policy, so they share its due time too
  ctx.dir.invalidate();
  const first = lonely[0];
  if (first !== undefined) {
    rearmWelfare(ctx, first, at);
    const due = ctx.db.select({ due: households.welfareDueAt }).from(households).where(eq(households.id, first)).get()!.due;
    for (const hid of lonely.slice(1)) setWelfareDue(ctx.db, hid, due);
  }
  return created;
}
