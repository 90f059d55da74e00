/**
 * Districts (辖区) as records: create, read, change, delete, each change audited in its transaction
 * (install-wide records: no community). A district's communities are those that name it.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { CreateDistrict, DistrictView } from "@helpkey/shared";
import type { Db } from "../db/open";
import { communities, districts } from "../db/schema";
import { recordChange, type AuditActor } from "../registry/audit";
import type { KeysetPage } from "../registry/paginate";

export type DistrictRow = typeof districts.$inferSelect;

export function getDistrict(db: Db, id: number): DistrictRow | undefined {
  return db.select().from(districts).where(eq(districts.id, id)).get();
}

export function communitiesOfDistrict(db: Db, id: number): number[] {
  return db.select({ id: communities.id }).from(communities).where(eq(communities.districtId, id)).orderBy(asc(communities.id)).all().map((r) => r.id);
}

export function toDistrictView(db: Db, d: DistrictRow): DistrictView {
  return { id: d.id, name: d.name, phone: d.phone, communityIds: communitiesOfDistrict(db, d.id), createdAt: d.createdAt };
}

/** One page of districts in id order (`page` from registry/paginate.ts); `ids` null: every district. */
export function listDistricts(db: Db, page: Pick<KeysetPage, "where" | "orderBy" | "limit">, ids: number[] | null): DistrictRow[] {
  return db.select().from(districts).where(and(page.where, ids ? inArray(districts.id, ids) : undefined)).orderBy(page.orderBy).limit(page.limit).all();
}

const audit = (db: Db, actor: AuditActor, action: "create" | "update" | "delete", id: number, before: DistrictView | null, after: DistrictView | null, at: number) =>
  recordChange(db, { actor, communityId: null, entity: "district", entityId: id, action, before, after, at });

export function createDistrict(db: Db, body: CreateDistrict, actor: AuditActor, now: number): DistrictRow {
  return db.$client.transaction(() => {
    const row = db.insert(districts).values({ name: body.name, phone: body.phone ?? null, createdAt: now }).returning().get();
    audit(db, actor, "create", row.id, null, toDistrictView(db, row), now);
    return row;
  }).immediate();
}

export function updateDistrict(db: Db, id: number, patch: Partial<CreateDistrict>, actor: AuditActor, now: number): DistrictRow {
  return db.$client.transaction(() => {
    const before = toDistrictView(db, getDistrict(db, id)!);
    const set = { ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.phone !== undefined ? { phone: patch.phone } : {}) };
    if (Object.keys(set).length > 0) db.update(districts).set(set).where(eq(districts.id, id)).run();
    const row = getDistrict(db, id)!;
    audit(db, actor, "update", id, before, toDistrictView(db, row), now);
    return row;
  }).immediate();
}

export type DeleteResult = { ok: true } | { ok: false; communityIds: number[] };

/**
 * Deletes a district that no community names (a community's alarms must not drop out of the
 * district tier unnoticed: move them first). Its accounts lose it (user_districts cascades); what
 * they see does not change, since it had no communities.
 */
export function deleteDistrict(db: Db, id: number, actor: AuditActor, now: number): DeleteResult {
  return db.$client.transaction((): DeleteResult => {
    const before = toDistrictView(db, getDistrict(db, id)!);
    if (before.communityIds.length > 0) return { ok: false, communityIds: before.communityIds };
    db.delete(districts).where(eq(districts.id, id)).run();
    audit(db, actor, "delete", id, before, null, now);
    return { ok: true };
  }).immediate();
}
