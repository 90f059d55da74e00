/**
 * What the hot path needs to know about a household (address, residents, contacts and the members of
 * its help groups, community, maintenance), cached in memory and dropped whole on any directory
 * change (directory writes are rare).
 */
import { asc, eq, sql } from "drizzle-orm";
import { helpGroupContactId, type Address, type Language, type ServiceCategory } from "@helpkey/shared";
import type { Db } from "../db/open";
import { buildings, communities, contacts, households, residents, units } from "../db/schema";
import { policyFrom, type Policy } from "@helpkey/shared";
import { categoriesFrom, gridOfHousehold, type GridWorkerInfo } from "./grids";
import { helpersOf, type HelperRow } from "./help-groups";

export interface ContactInfo {
  id: number;
  name: string;
  phone: string;
  relation: string;
  priority: number;
  language: Language;
  /** A help-group member (id = helpGroupContactId(member id)): called after the household's own contacts. */
  helpGroupId: number | null;
  /** The resident's family (contact role "family"): a drill leaves them out unless it calls the family. */
  family: boolean;
}

/** How the console names a help-group member's role (a relation it translates). */
const HELPER_RELATION: Record<HelperRow["role"], string> = { neighbour: "neighbour", volunteer: "volunteer", grid_worker: "grid worker" };

/**
 * The household's contacts, then the members of its help groups whose number is not among them yet:
 * one person is texted and called once per alarm, however many lists name them.
 */
function withHelpers(own: ContactInfo[], helpers: HelperRow[]): ContactInfo[] {
  const phones = new Set(own.map((c) => c.phone));
  const out = [...own];
  for (const m of helpers) {
    if (phones.has(m.phone)) continue;
    phones.add(m.phone);
    out.push({ id: helpGroupContactId(m.id), name: m.name, phone: m.phone, relation: HELPER_RELATION[m.role], priority: m.priority, language: m.language, helpGroupId: m.groupId, family: false });
  }
  return out;
}

export interface HouseholdInfo {
  householdId: number;
  communityId: number;
  buildingId: number;
  address: Address;
  residents: string[];
  notes: string | null;
  /** The household's own contacts, then its help groups' members (helpGroupId set). */
  contacts: ContactInfo[];
  supervisorPhone: string | null;
  communityLanguage: Language;
  /** What the resident's device and TV speak: the language all residents share, else the community's. */
  residentLanguage: Language;
  policy: Policy;
  /** The community's service categories (the defaults when it configured none). */
  serviceCategories: readonly ServiceCategory[];
  /** The household's grid (the one naming it, else its unit, else its building) and its workers. */
  gridId: number | null;
  gridWorkers: GridWorkerInfo[];
  livesAlone: boolean;
  /** Welfare checks text the contacts too: the household's choice, else the policy's. */
  welfareIncludeFamily: boolean;
  /** In maintenance: its presses reach the console marked so, and nobody is texted or called. */
  maintenance: boolean;
}

export class HouseholdDirectory {
  private cache = new Map<number, HouseholdInfo | null>();
  private stmts: ReturnType<HouseholdDirectory["prepare"]> | null = null;
  constructor(private readonly db: Db) {}

  invalidate(): void {
    this.cache.clear();
  }

  get(householdId: number): HouseholdInfo | null {
    let info = this.cache.get(householdId);
    if (info === undefined) {
      info = this.load(householdId);
      this.cache.set(householdId, info);
    }
    return info;
  }

  private load(householdId: number): HouseholdInfo | null {
    const q = (this.stmts ??= this.prepare());
    const row = q.household.get({ id: householdId });
    if (!row) return null;
    const people = q.residents.all({ id: householdId });
    const cs = q.contacts.all({ id: householdId });
    const policy = policyFrom(row.c.policy);
    const grid = gridOfHousehold(this.db, { householdId, unitId: row.u.id, buildingId: row.b.id });
    return {
      householdId,
      communityId: row.c.id,
      buildingId: row.b.id,
      address: { community: row.c.name, building: row.b.name, unit: row.u.name, room: row.h.room },
      residents: people.map((p) => p.name),
      notes: row.h.notes,
      contacts: withHelpers(
        cs.map((c) => ({ id: c.id, name: c.name, phone: c.phone, relation: c.relation, priority: c.priority, language: c.language, helpGroupId: null, family: c.role === "family" })),
        helpersOf(this.db, { unitId: row.u.id, buildingId: row.b.id }),
      ),
      supervisorPhone: row.c.supervisorPhone,
      communityLanguage: row.c.language,
      residentLanguage: new Set(people.map((p) => p.language)).size === 1 ? people[0]!.language : row.c.language,
      policy,
      serviceCategories: categoriesFrom(row.c.serviceCategories),
      gridId: grid?.id ?? null,
      gridWorkers: grid?.workers ?? [],
      livesAlone: row.h.livesAlone,
      welfareIncludeFamily: row.h.welfareIncludeFamily ?? policy.welfare.includeFamily,
      maintenance: row.h.maintenanceAt !== null,
    };
  }

  /** Prepared once: every household's first alarm or status after a start goes through them. */
  private prepare() {
    const id = sql.placeholder("id");
    return {
      household: this.db
        .select({ h: households, u: units, b: buildings, c: communities })
        .from(households)
        .innerJoin(units, eq(units.id, households.unitId))
        .innerJoin(buildings, eq(buildings.id, units.buildingId))
        .innerJoin(communities, eq(communities.id, buildings.communityId))
        .where(eq(households.id, id))
        .prepare(),
      residents: this.db.select({ name: residents.name, language: residents.language }).from(residents).where(eq(residents.householdId, id)).orderBy(asc(residents.id)).prepare(),
      contacts: this.db.select().from(contacts).where(eq(contacts.householdId, id)).orderBy(asc(contacts.priority), asc(contacts.id)).prepare(),
    };
  }
}
