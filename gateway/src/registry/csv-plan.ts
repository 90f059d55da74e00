/**
 * The rows of an import file as households to create: each row checked with the shared row schema,
 * rows of the same building, unit and room gathered into one household. A resident named again in a
 * household, or a contact's phone given again, is the same person (a filled-down spreadsheet):
 * merged when the rows agree, a row error where they say different things.
 */
import { csvRowSchema, importError, importIssueOf, roleOfRelation, type CsvColumn, type CsvRow, type ImportError, type ImportIssue } from "@helpkey/shared";
import type { CsvTable } from "./csv-rows";
import type { Slice } from "./time-slice";

type Resident = NonNullable<CsvRow["resident"]>;
type Contact = NonNullable<CsvRow["contact"]>;

export interface PlannedHousehold {
  building: string;
  unit: string;
  room: string;
  name?: string;
  livesAlone: boolean;
  notes?: string;
  /** The lines of its rows, in file order. */
  lines: number[];
  residents: (Resident & { line: number })[];
  contacts: (Omit<Contact, "priority" | "hasKey" | "role"> & { priority: number; hasKey: boolean; role: NonNullable<Contact["role"]>; line: number })[];
}

export interface RowPlan {
  households: PlannedHousehold[];
  errors: ImportError[];
}

interface Draft {
  h: Omit<PlannedHousehold, "livesAlone" | "contacts"> & { livesAlone?: boolean; contacts: (Contact & { line: number })[] };
  /** The line that set each field first (named in a conflict's reason). */
  setAt: Map<string, number>;
}

export async function planRows(table: CsvTable, region: string, slice: Slice): Promise<RowPlan> {
  const schema = csvRowSchema(region);
  const errors: ImportError[] = [];
  const fail = (line: number, field: CsvColumn | "row", issue: ImportIssue) =>
    errors.push(importError({ line, field, ...(table.headers.has(field as CsvColumn) ? { column: table.headers.get(field as CsvColumn)! } : {}) }, issue));
  const drafts = new Map<string, Draft>();

  for (const { line, cells } of table.rows) {
    await slice();
    const parsed = schema.safeParse(cells);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) fail(line, (issue.path[0] as CsvColumn | undefined) ?? "row", importIssueOf(issue));
      continue;
    }
    const row = parsed.data;
    const key = `${row.building}\u0000${row.unit}\u0000${row.room}`;
    let d = drafts.get(key);
    if (!d) {
      d = { h: { building: row.building, unit: row.unit, room: row.room, lines: [], residents: [], contacts: [] }, setAt: new Map() };
      drafts.set(key, d);
    }
    d.h.lines.push(line);
    const before = errors.length;
    const same = (field: CsvColumn, was: unknown, now: unknown) => {
      if (was === undefined || now === undefined || was === now) return;
      fail(line, field, { code: "household_differs", here: String(now), there: String(was), line: d.setAt.get(field)! });
    };
    const hh = row.household;
    same("household", d.h.name, hh.name);
    same("lives_alone", d.h.livesAlone, hh.livesAlone);
    same("notes", d.h.notes, hh.notes);
    if (errors.length > before) continue;
    fill(d, "household", hh.name, (v) => (d.h.name = v), d.h.name, line);
    fill(d, "lives_alone", hh.livesAlone, (v) => (d.h.livesAlone = v), d.h.livesAlone, line);
    fill(d, "notes", hh.notes, (v) => (d.h.notes = v), d.h.notes, line);

    if (row.resident) mergeResident(d, row.resident, line, fail);
    if (row.contact) mergeContact(d, row.contact, line, fail);
  }

  const households = [...drafts.values()].map(({ h }) => ({
    ...h,
    livesAlone: h.livesAlone ?? false,
    // a call order not written is the contact's place among the household's contacts (1, 2, 3 …, at most 9)
    contacts: h.contacts.map((c, i) => ({ ...c, priority: c.priority ?? Math.min(9, i + 1), hasKey: c.hasKey ?? false, role: c.role ?? roleOfRelation(c.relation) })),
  }));
  return { households, errors };
}

function fill<T>(d: Draft, key: string, value: T | undefined, set: (v: T) => void, current: T | undefined, line: number): void {
  if (value === undefined || current !== undefined) return;
  set(value);
  d.setAt.set(key, line);
}

type Fail = (line: number, field: CsvColumn | "row", issue: ImportIssue) => void;

const residentFields: [keyof Resident, CsvColumn][] = [["age", "age"], ["language", "language"], ["medical", "medical"], ["mobility", "mobility"], ["phone", "resident_phone"]];

function mergeResident(d: Draft, r: Resident, line: number, fail: Fail): void {
  const known = d.h.residents.find((x) => x.name === r.name);
  if (!known) {
    d.h.residents.push({ ...r, line });
    return;
  }
  let ok = true;
  for (const [k, column] of residentFields) {
    if (known[k] !== undefined && r[k] !== undefined && known[k] !== r[k]) {
      fail(line, column, { code: "person_differs", name: r.name, here: String(r[k]), there: String(known[k]), line: known.line });
      ok = false;
    }
  }
  if (ok) for (const [k] of residentFields) if (known[k] === undefined && r[k] !== undefined) (known as Record<string, unknown>)[k] = r[k];
}

const contactFields: [keyof Contact, CsvColumn][] = [["relation", "relation"], ["priority", "priority"], ["hasKey", "has_key"], ["role", "role"], ["language", "contact_language"]];

function mergeContact(d: Draft, c: Contact, line: number, fail: Fail): void {
  const known = d.h.contacts.find((x) => x.phone === c.phone);
  if (!known) {
    d.h.contacts.push({ ...c, line });
    return;
  }
  if (known.name !== c.name) {
    fail(line, "phone", { code: "phone_taken", name: c.name, other: known.name, line: known.line });
    return;
  }
  let ok = true;
  for (const [k, column] of contactFields) {
    if (known[k] !== undefined && c[k] !== undefined && known[k] !== c[k]) {
      fail(line, column, { code: "person_differs", name: c.name, here: String(c[k]), there: String(known[k]), line: known.line });
      ok = false;
    }
  }
  if (ok) for (const [k] of contactFields) if (known[k] === undefined && c[k] !== undefined) (known as Record<string, unknown>)[k] = c[k];
}
