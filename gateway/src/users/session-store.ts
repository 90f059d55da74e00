/**
 * Dispatcher sessions (a session cookie from `POST /api/session`).
 * The cookie holds a random token; the database holds only its SHA-256, so neither a log line
 * nor a copy of the database can be replayed as a login.
 */
import { randomBytes } from "node:crypto";
import { eq, lt } from "drizzle-orm";
import type { Db } from "../db/open";
import { sessions, users } from "../db/schema";
import { tokenDigest } from "../devices/secret-hash";
import type { Role } from "./roles";
import { scopeOf } from "./user-store";

/**
 * Idle lifetime: longer than a 12-hour night shift, so a console left open never logs its
 * dispatcher out mid-shift (every request and reconnect slides it), yet a forgotten login ends.
 */
export const SESSION_IDLE_MS = 14 * 3600_000;

export interface SessionPrincipal {
  name: string;
  role: Role;
  communityIds: number[] | null;
  userId: number | null;
  sessionId: string;
  username: string;
}

/** Opens a session for a user (or, with null, for the holder of the install's admin token). */
export function openSession(db: Db, userId: number | null, now: number): string {
  const token = randomBytes(32).toString("base64url");
  db.delete(sessions).where(lt(sessions.expiresAt, now)).run();
  db.insert(sessions).values({ id: tokenDigest(token), userId, createdAt: now, lastSeenAt: now, expiresAt: now + SESSION_IDLE_MS }).run();
  return token;
}

export function closeSession(db: Db, sessionId: string): void {
  db.delete(sessions).where(eq(sessions.id, sessionId)).run();
}

/** The principal behind a cookie token, or null (unknown, expired, or its account disabled). */
export function lookupSession(db: Db, token: string, now: number): SessionPrincipal | null {
  const id = tokenDigest(token);
  const row = db.select({ s: sessions, u: users }).from(sessions).leftJoin(users, eq(users.id, sessions.userId)).where(eq(sessions.id, id)).get();
  if (!row) return null;
  if (row.s.expiresAt <= now || (row.s.userId !== null && (!row.u || row.u.disabledAt !== null))) {
    closeSession(db, id);
    return null;
  }
  // Slide the expiry, but write at most every few minutes: the console polls nothing, yet reconnects often.
  if (now - row.s.lastSeenAt > 5 * 60_000) db.update(sessions).set({ lastSeenAt: now, expiresAt: now + SESSION_IDLE_MS }).where(eq(sessions.id, id)).run();
  if (!row.u) return { name: "admin", role: "admin", communityIds: null, userId: null, sessionId: id, username: "admin" };
  const u = row.u;
  // read per lookup, never cached: a district user's scope follows a community moved to another district at once
  return { name: u.name, role: u.role, communityIds: scopeOf(db, u), userId: u.id, sessionId: id, username: u.username };
}
