/** Grids (网格), their members and workers; a community's service categories. */
import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import { defaultServiceCategories, serviceCategorySchema, type Language, type ServiceCategory } from "@helpkey/shared";
import type { Db } from "../db/open";
import { gridMembers, grids, gridWorkers } from "../db/schema";
import { prepared } from "./prepared";

export interface GridWorkerInfo {
  id: number;
  name: string;
  phone: string;
  language: Language;
}

export type GridRow = typeof grids.$inferSelect;
export type GridWorkerRow = typeof gridWorkers.$inferSelect;
export type MemberScope = (typeof gridMembers.$inferSelect)["scope"];

/** The community's stored categories, or the defaults when none are stored (or the stored ones no longer parse). */
export function categoriesFrom(json: string | null): readonly ServiceCategory[] {
  if (!json) return defaultServiceCategories;
  try {
    const parsed = serviceCategorySchema.array().min(1).safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : defaultServiceCategories;
  } catch {
    return defaultServiceCategories;
  }
}

const SCOPE_RANK: Record<MemberScope, number> = { household: 0, unit: 1, building: 2 };

/** The household's grid: the one naming the household, else its unit, else its building; with its workers. */
export function gridOfHousehold(db: Db, at: { householdId: number; unitId: number; buildingId: number }): { id: number; workers: GridWorkerInfo[] } | null {
  const members = prepared(db, "grids.members", () =>
    db.select().from(gridMembers).where(or(
      and(eq(gridMembers.scope, "household"), eq(gridMembers.refId, sql.placeholder("h"))),
      and(eq(gridMembers.scope, "unit"), eq(gridMembers.refId, sql.placeholder("u"))),
      and(eq(gridMembers.scope, "building"), eq(gridMembers.refId, sql.placeholder("b"))),
    )).prepare(),
  ).all({ h: at.householdId, u: at.unitId, b: at.buildingId });
  const best = members.sort((a, b) => SCOPE_RANK[a.scope] - SCOPE_RANK[b.scope])[0];
  if (!best) return null;
  const workers = prepared(db, "grids.workers", () =>
    db.select({ id: gridWorkers.id, name: gridWorkers.name, phone: gridWorkers.phone, language: gridWorkers.language })
      .from(gridWorkers).where(eq(gridWorkers.gridId, sql.placeholder("g"))).orderBy(asc(gridWorkers.id)).prepare(),
  ).all({ g: best.gridId });
  return { id: best.gridId, workers };
}

export interface GridView {
  id: number;
  communityId: number;
  name: string;
  buildingIds: number[];
  unitIds: number[];
  householdIds: number[];
  workers: GridWorkerRow[];
  createdAt: number;
}

export function gridView(db: Db, g: GridRow): GridView {
  const members = db.select().from(gridMembers).where(eq(gridMembers.gridId, g.id)).orderBy(asc(gridMembers.refId)).all();
  const of = (scope: MemberScope) => members.filter((m) => m.scope === scope).map((m) => m.refId);
  const workers = db.select().from(gridWorkers).where(eq(gridWorkers.gridId, g.id)).orderBy(asc(gridWorkers.id)).all();
  return { id: g.id, communityId: g.communityId, name: g.name, buildingIds: of("building"), unitIds: of("unit"), householdIds: of("household"), workers, createdAt: g.createdAt };
}

export interface Members {
  buildingIds?: number[] | undefined;
  unitIds?: number[] | undefined;
  householdIds?: number[] | undefined;
}

/** Places already in another grid (each place belongs to one grid at most). */
export function memberConflicts(db: Db, gridId: number | null, m: Members): string[] {
  const out: string[] = [];
  const check = (scope: MemberScope, ids: number[] | undefined) => {
    if (!ids?.length) return;
    for (const r of db.select().from(gridMembers).where(and(eq(gridMembers.scope, scope), inArray(gridMembers.refId, ids))).all()) {
      if (r.gridId !== gridId) out.push(`${scope} ${r.refId} is in grid ${r.gridId}`);
    }
  };
  check("building", m.buildingIds);
  check("unit", m.unitIds);
  check("household", m.householdIds);
  return out;
}

/** Replaces the grid's members of each scope given (a scope left out keeps its members). */
export function setMembers(db: Db, gridId: number, m: Members): void {
  const put = (scope: MemberScope, ids: number[] | undefined) => {
    if (!ids) return;
    db.delete(gridMembers).where(and(eq(gridMembers.gridId, gridId), eq(gridMembers.scope, scope))).run();
    for (const refId of new Set(ids)) db.insert(gridMembers).values({ gridId, scope, refId }).run();
  };
  put("building", m.buildingIds);
  put("unit", m.unitIds);
  put("household", m.householdIds);
}
