/**
 * What the hot path needs to know about a household (address, residents, contacts, community),
 * cached in memory and dropped whole on any directory change (directory writes are rare).
 */
import { asc, eq, sql } from "drizzle-orm";
import type { Address, Language, ServiceCategory } from "@helpkey/shared";
import type { Db } from "../db/open";
import { buildings, communities, contacts, households, residents, units } from "../db/schema";
import { policyFrom, type Policy } from "@helpkey/shared";
import { categoriesFrom, gridOfHousehold, type GridWorkerInfo } from "./grids";

export interface ContactInfo {
  id: number;
  name: string;
  phone: string;
  relation: string;
  priority: number;
  language: Language;
}

export interface HouseholdInfo {
  householdId: number;
  communityId: number;
  buildingId: number;
  address: Address;
  residents: string[];
  notes: string | null;
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
      contacts: cs.map((c) => ({ id: c.id, name: c.name, phone: c.phone, relation: c.relation, priority: c.priority, language: c.language })),
      supervisorPhone: row.c.supervisorPhone,
      communityLanguage: row.c.language,
      residentLanguage: new Set(people.map((p) => p.language)).size === 1 ? people[0]!.language : row.c.language,
      policy,
      serviceCategories: categoriesFrom(row.c.serviceCategories),
      gridId: grid?.id ?? null,
      gridWorkers: grid?.workers ?? [],
      livesAlone: row.h.livesAlone,
      welfareIncludeFamily: row.h.welfareIncludeFamily ?? policy.welfare.includeFamily,
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
