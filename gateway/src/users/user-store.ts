/** Console accounts and the communities each may see. */
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/open";
import { sessions, userCommunities, users } from "../db/schema";
import type { HashPool } from "../devices/hash-pool";
import { hashSecret, type Derive } from "../devices/secret-hash";
import type { CreateUser, Role } from "./roles";

export type UserRow = typeof users.$inferSelect;

export interface UserView {
  id: number;
  username: string;
  name: string;
  role: Role;
  language: "zh-CN" | "en";
  /** null for admins: every community. */
  communityIds: number[] | null;
  disabled: boolean;
}

export function communitiesOf(db: Db, userId: number): number[] {
  return db.select({ c: userCommunities.communityId }).from(userCommunities).where(eq(userCommunities.userId, userId)).orderBy(asc(userCommunities.communityId)).all().map((r) => r.c);
}

export function toUserView(db: Db, u: UserRow): UserView {
  return {
    id: u.id, username: u.username, name: u.name, role: u.role, language: u.language,
    communityIds: u.role === "admin" ? null : communitiesOf(db, u.id), disabled: u.disabledAt !== null,
  };
}

export function findActiveUser(db: Db, username: string): UserRow | undefined {
  return db.select().from(users).where(and(eq(users.username, username), isNull(users.disabledAt))).get();
}

export function getUser(db: Db, id: number): UserRow | undefined {
  return db.select().from(users).where(eq(users.id, id)).get();
}

export function listUsers(db: Db): UserRow[] {
  return db.select().from(users).orderBy(asc(users.id)).all();
}

function setCommunities(db: Db, userId: number, communityIds: number[]): void {
  db.delete(userCommunities).where(eq(userCommunities.userId, userId)).run();
  for (const c of new Set(communityIds)) db.insert(userCommunities).values({ userId, communityId: c }).run();
}

/** Password hashes run on the hash pool's password lane: never on the event loop nor in libuv's pool. */
const passwordLane = (pool: HashPool): Derive => (s, salt, len, p) => pool.derive(s, salt, len, p, { lane: "password" });

/** Hashes first (slow, off the event loop), then writes user and scope in one transaction. */
export async function createUser(db: Db, u: CreateUser, now: number, pool: HashPool): Promise<UserRow> {
  const passwordHash = await hashSecret(u.password, passwordLane(pool));
  return db.$client.transaction(() => {
    const row = db.insert(users).values({ username: u.username, name: u.name, role: u.role, passwordHash, language: u.language, createdAt: now }).returning().get();
    if (u.role !== "admin") setCommunities(db, row.id, u.communityIds);
    return row;
  }).immediate();
}

export async function updateUser(db: Db, id: number, patch: Partial<CreateUser>, pool: HashPool): Promise<UserRow> {
  const passwordHash = patch.password ? await hashSecret(patch.password, passwordLane(pool)) : undefined;
  return db.$client.transaction(() => {
    const set = {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.language !== undefined ? { language: patch.language } : {}),
      ...(passwordHash ? { passwordHash } : {}),
    };
    if (Object.keys(set).length > 0) db.update(users).set(set).where(eq(users.id, id)).run();
    if (patch.communityIds !== undefined) setCommunities(db, id, patch.communityIds);
    // A changed password or scope must not live on in sessions opened before it.
    if (passwordHash || patch.communityIds !== undefined || patch.role !== undefined) db.delete(sessions).where(eq(sessions.userId, id)).run();
    return getUser(db, id)!;
  }).immediate();
}

/** Disables (the name stays in the audit trail) and ends every session of the account. */
export function disableUser(db: Db, id: number, now: number): void {
  db.$client.transaction(() => {
    db.update(users).set({ disabledAt: now }).where(eq(users.id, id)).run();
    db.delete(sessions).where(eq(sessions.userId, id)).run();
  }).immediate();
}
