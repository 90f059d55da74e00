/**
 * Who is calling and may they call this route, on a real SQLite file: the admin token (a Bearer header,
 * `?token=` only where the route allows it), a session cookie looked up in the database (expired or of a
 * disabled account: refused, and the session ended), a cross-origin request with the cookie refused,
 * and the route's roles. The requests are plain objects shaped as Fastify's: the decisions read only
 * headers, cookies, query and the matched route's options.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyRequest } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorCodes } from "@helpkey/shared";
import { openDb, type Db } from "../src/db/open";
import { communities, sessions, userCommunities, users } from "../src/db/schema";
import { tokenDigest } from "../src/devices/secret-hash";
import { adminTokenCheck, authorize, canSee, createAuthenticate, SESSION_COOKIE } from "../src/http/auth";
import { HttpError } from "../src/http/errors";
import { adminOnly, anyRole, leads } from "../src/users/roles";
import { openSession, SESSION_IDLE_MS } from "../src/users/session-store";

const TOKEN = "the-install-admin-token-0123456789";
const T0 = 1_700_000_000_000;

let dir: string;
let db: Db;
let now: number;
let communityId: number;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "hk-auth-"));
  db = openDb(dir);
  now = T0;
  communityId = db.insert(communities).values({ name: "C", createdAt: 0 }).returning().get().id;
});
afterEach(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

function user(role: "dispatcher" | "supervisor" | "admin", name = `${role} Zhang`): number {
  const id = db.insert(users).values({ username: `${role}-${Math.random().toString(36).slice(2)}`, name, role, passwordHash: "not used here", createdAt: 0 }).returning().get().id;
  if (role !== "admin") db.insert(userCommunities).values({ userId: id, communityId }).run();
  return id;
}

interface Req {
  bearer?: string;
  cookie?: string;
  origin?: string;
  query?: Record<string, string>;
  tokenInQuery?: boolean;
}
function request(r: Req): FastifyRequest {
  return {
    headers: { host: "console.example:8080", ...(r.bearer ? { authorization: `Bearer ${r.bearer}` } : {}), ...(r.origin ? { origin: r.origin } : {}) },
    cookies: r.cookie ? { [SESSION_COOKIE]: r.cookie } : {},
    query: r.query ?? {},
    routeOptions: { method: "GET", url: "/api/alerts", config: r.tokenInQuery ? { tokenInQuery: true } : {} },
  } as unknown as FastifyRequest;
}

const authenticate = () => createAuthenticate(adminTokenCheck(tokenDigest(TOKEN)), db, () => now);
function refusal(fn: () => unknown): { status: number; code: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpError) return { status: err.status, code: err.code };
    throw err;
  }
  throw new Error("not refused");
}

describe("credentials", () => {
  it("the admin token as a Bearer header is the admin, of every community; a wrong one is 401", () => {
    expect(authenticate()(request({ bearer: TOKEN }))).toEqual({ name: "admin", communityIds: null, role: "admin", userId: null, sessionId: null });
    expect(refusal(() => authenticate()(request({ bearer: `${TOKEN}x` })))).toEqual({ status: 401, code: ErrorCodes.UNAUTHORIZED });
  });

  it("an explicit Bearer token wins over a session cookie: a wrong token is refused even with a good cookie", () => {
    const cookie = openSession(db, user("dispatcher"), now);
    expect(refusal(() => authenticate()(request({ bearer: "wrong", cookie })))).toMatchObject({ status: 401 });
  });

  it("takes the token from the query only on a route that declares it", () => {
    expect(authenticate()(request({ query: { token: TOKEN }, tokenInQuery: true })).role).toBe("admin");
    expect(refusal(() => authenticate()(request({ query: { token: TOKEN } })))).toEqual({ status: 401, code: ErrorCodes.UNAUTHORIZED });
  });

  it("no credentials at all is 401", () => {
    expect(refusal(() => authenticate()(request({})))).toEqual({ status: 401, code: ErrorCodes.UNAUTHORIZED });
  });

  it("a session cookie is its user, scoped to the user's communities", () => {
    const id = user("dispatcher", "Dispatcher Zhang");
    const cookie = openSession(db, id, now);
    expect(authenticate()(request({ cookie }))).toEqual({ name: "Dispatcher Zhang", role: "dispatcher", communityIds: [communityId], userId: id, sessionId: tokenDigest(cookie) });
    // same origin is fine; no Origin header (not a browser's cross-origin request) too
    expect(authenticate()(request({ cookie, origin: "http://console.example:8080" })).userId).toBe(id);
  });

  it("refuses the cookie of a disabled account, and ends that session", () => {
    const id = user("supervisor");
    const cookie = openSession(db, id, now);
    db.$client.prepare("UPDATE users SET disabled_at = ? WHERE id = ?").run(now, id);
    expect(refusal(() => authenticate()(request({ cookie })))).toEqual({ status: 401, code: ErrorCodes.UNAUTHORIZED });
    expect(db.select().from(sessions).all()).toEqual([]);
  });

  it("refuses an expired session; a session in use slides its expiry", () => {
    const cookie = openSession(db, user("dispatcher"), now);
    now += SESSION_IDLE_MS - 1;
    expect(authenticate()(request({ cookie })).role).toBe("dispatcher"); // used: the expiry moves on
    now += SESSION_IDLE_MS - 1;
    expect(authenticate()(request({ cookie })).role).toBe("dispatcher");
    now += SESSION_IDLE_MS;
    expect(refusal(() => authenticate()(request({ cookie })))).toEqual({ status: 401, code: ErrorCodes.UNAUTHORIZED });
  });

  it("refuses a made-up cookie, and another origin's request that carries a good one", () => {
    expect(refusal(() => authenticate()(request({ cookie: "made-up" })))).toEqual({ status: 401, code: ErrorCodes.UNAUTHORIZED });
    const cookie = openSession(db, user("dispatcher"), now);
    expect(refusal(() => authenticate()(request({ cookie, origin: "http://evil.example" })))).toEqual({ status: 403, code: ErrorCodes.FORBIDDEN });
    expect(refusal(() => authenticate()(request({ cookie, origin: "not a url" })))).toEqual({ status: 403, code: ErrorCodes.FORBIDDEN });
  });

  it("the admin's own session (from the admin token) is the admin", () => {
    const cookie = openSession(db, null, now);
    expect(authenticate()(request({ cookie }))).toMatchObject({ role: "admin", communityIds: null, userId: null });
  });
});

describe("route access", () => {
  const p = (role: "dispatcher" | "supervisor" | "admin") => ({ name: role, role, communityIds: role === "admin" ? null : [1], userId: 1, sessionId: null });

  it("lets a role use the routes that name it, and the admin every route", () => {
    expect(() => authorize(p("dispatcher"), anyRole, request({}))).not.toThrow();
    expect(() => authorize(p("supervisor"), leads, request({}))).not.toThrow();
    expect(() => authorize(p("admin"), adminOnly, request({}))).not.toThrow();
    expect(() => authorize(p("admin"), [], request({}))).not.toThrow();
  });

  it("refuses a role the route does not name with 403", () => {
    expect(refusal(() => authorize(p("dispatcher"), leads, request({})))).toEqual({ status: 403, code: ErrorCodes.FORBIDDEN });
    expect(refusal(() => authorize(p("supervisor"), adminOnly, request({})))).toEqual({ status: 403, code: ErrorCodes.FORBIDDEN });
  });

  it("a scoped caller sees its communities only; null scope sees every one", () => {
    expect(canSee({ communityIds: [1, 2] }, 2)).toBe(true);
    expect(canSee({ communityIds: [1, 2] }, 3)).toBe(false);
    expect(canSee({ communityIds: new Set([4]) }, 4)).toBe(true);
    expect(canSee({ communityIds: null }, 99)).toBe(true);
  });
});
