/**
 * Console accounts and what each may see: a dispatcher's or supervisor's communities, a district
 * user's districts (every community of each, whichever communities those are at the moment).
 * Every change is audited in the same transaction; the password hash never reaches the audit log.
 */
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/open";
import { communities, sessions, userCommunities, userDistricts, users } from "../db/schema";
import type { HashPool } from "../devices/hash-pool";
import { hashSecret, type Derive } from "../devices/secret-hash";
import { recordChange, type AuditActor } from "../registry/audit";
import type { KeysetPage } from "../registry/paginate";
import type { CreateUser, Role } from "./roles";

export type UserRow = typeof users.$inferSelect;

export interface UserView {
  id: number;
  username: string;
  name: string;
  role: Role;
  language: "zh-CN" | "en";
  /** The communities the account sees (a district user's: those of its districts now); null for admins: every community. */
  communityIds: number[] | null;
  /** A district user's districts; empty for every other role. */
  districtIds: number[];
  disabled: boolean;
}

export function communitiesOf(db: Db, userId: number): number[] {
  return db.select({ c: userCommunities.communityId }).from(userCommunities).where(eq(userCommunities.userId, userId)).orderBy(asc(userCommunities.communityId)).all().map((r) => r.c);
}

export function districtsOf(db: Db, userId: number): number[] {
  return db.select({ d: userDistricts.districtId }).from(userDistricts).where(eq(userDistricts.userId, userId)).orderBy(asc(userDistricts.districtId)).all().map((r) => r.d);
}

/** Every community of the user's districts, read now: a community moved to another district leaves this scope at once. */
export function communitiesOfDistrictsOf(db: Db, userId: number): number[] {
  return db.select({ c: communities.id }).from(communities)
    .innerJoin(userDistricts, eq(userDistricts.districtId, communities.districtId))
    .where(eq(userDistricts.userId, userId)).orderBy(asc(communities.id)).all().map((r) => r.c);
}

/** What an account of this role sees: null is every community. */
export function scopeOf(db: Db, u: Pick<UserRow, "id" | "role">): number[] | null {
  if (u.role === "admin") return null;
  return u.role === "district" ? communitiesOfDistrictsOf(db, u.id) : communitiesOf(db, u.id);
}

export function toUserView(db: Db, u: UserRow): UserView {
  return {
    id: u.id, username: u.username, name: u.name, role: u.role, language: u.language,
    communityIds: scopeOf(db, u), districtIds: u.role === "district" ? districtsOf(db, u.id) : [], disabled: u.disabledAt !== null,
  };
}

export function findActiveUser(db: Db, username: string): UserRow | undefined {
  return db.select().from(users).where(and(eq(users.username, username), isNull(users.disabledAt))).get();
}

export function getUser(db: Db, id: number): UserRow | undefined {
  return db.select().from(users).where(eq(users.id, id)).get();
}

/** One page of accounts in id order (`page` from registry/paginate.ts), optionally of one role. */
export function listUsers(db: Db, page: Pick<KeysetPage, "where" | "orderBy" | "limit">, role?: Role): UserRow[] {
  return db.select().from(users).where(and(page.where, role ? eq(users.role, role) : undefined)).orderBy(page.orderBy).limit(page.limit).all();
}

/** Sets the account's communities and districts for its role; the other kind of scope is emptied. */
function setScope(db: Db, userId: number, role: Role, communityIds: number[], districtIds: number[]): void {
  db.delete(userCommunities).where(eq(userCommunities.userId, userId)).run();
  db.delete(userDistricts).where(eq(userDistricts.userId, userId)).run();
  if (role === "dispatcher" || role === "supervisor") for (const c of new Set(communityIds)) db.insert(userCommunities).values({ userId, communityId: c }).run();
  if (role === "district") for (const d of new Set(districtIds)) db.insert(userDistricts).values({ userId, districtId: d }).run();
}

/** Password hashes run on the hash pool's password lane: never on the event loop nor in libuv's pool. */
const passwordLane = (pool: HashPool): Derive => (s, salt, len, p) => pool.derive(s, salt, len, p, { lane: "password" });

const audit = (db: Db, actor: AuditActor, action: "create" | "update" | "delete", id: number, before: UserView | null, after: unknown, at: number) =>
  recordChange(db, { actor, communityId: null, entity: "user", entityId: id, action, before, after, at });

/** Hashes first (slow, off the event loop), then writes user, scope and audit row in one transaction. */
export async function createUser(db: Db, u: CreateUser, actor: AuditActor, now: number, pool: HashPool): Promise<UserRow> {
  const passwordHash = await hashSecret(u.password, passwordLane(pool));
  return db.$client.transaction(() => {
    const row = db.insert(users).values({ username: u.username, name: u.name, role: u.role, passwordHash, language: u.language, createdAt: now }).returning().get();
    setScope(db, row.id, u.role, u.communityIds, u.districtIds);
    audit(db, actor, "create", row.id, null, toUserView(db, row), now);
    return row;
  }).immediate();
}

/** Whether a change of this kind ends the account's sessions and consoles (what it may see or who it is). */
export const endsSessions = (patch: Partial<CreateUser>) =>
  patch.password !== undefined || patch.role !== undefined || patch.communityIds !== undefined || patch.districtIds !== undefined;

export async function updateUser(db: Db, id: number, patch: Partial<CreateUser>, actor: AuditActor, now: number, pool: HashPool): Promise<UserRow> {
  const passwordHash = patch.password ? await hashSecret(patch.password, passwordLane(pool)) : undefined;
  return db.$client.transaction(() => {
    const was = getUser(db, id)!;
    const before = toUserView(db, was);
    const set = {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.language !== undefined ? { language: patch.language } : {}),
      ...(passwordHash ? { passwordHash } : {}),
    };
    if (Object.keys(set).length > 0) db.update(users).set(set).where(eq(users.id, id)).run();
    if (patch.role !== undefined || patch.communityIds !== undefined || patch.districtIds !== undefined) {
      const role = patch.role ?? was.role;
      setScope(db, id, role, patch.communityIds ?? communitiesOf(db, id), patch.districtIds ?? districtsOf(db, id));
    }
    // A changed password or scope must not live on in sessions opened before it.
    if (endsSessions(patch)) db.delete(sessions).where(eq(sessions.userId, id)).run();
    const row = getUser(db, id)!;
    // the audit names that the password changed, never what it is
    audit(db, actor, "update", id, before, { ...toUserView(db, row), ...(passwordHash ? { passwordChanged: true } : {}) }, now);
    return row;
  }).immediate();
}

/** Disables (the name stays in the audit trail) and ends every session of the account. */
export function disableUser(db: Db, id: number, actor: AuditActor, now: number): void {
  db.$client.transaction(() => {
    const before = toUserView(db, getUser(db, id)!);
    db.update(users).set({ disabledAt: now }).where(eq(users.id, id)).run();
    db.delete(sessions).where(eq(sessions.userId, id)).run();
    audit(db, actor, "delete", id, before, { ...before, disabled: true }, now);
  }).immediate();
}
