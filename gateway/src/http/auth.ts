/**
 * Who is calling, and may they call this route (docs/security.md).
 *
 * Every route declares its `access` in its options: "public" (no credentials) or the console roles
 * allowed (admins may use every route). The check runs on the route the router matched
 * (`req.routeOptions`), never on the raw URL; a route that declares nothing refuses the start
 * (build-app.ts). A request that matches no route still needs credentials: without them it is 401,
 * so no spelling of a path answers differently to a stranger.
 *
 * Credentials: the admin token (`Authorization: Bearer <token>`; `?token=` only on routes that
 * declare `tokenInQuery`, the console WebSocket, where a script cannot set a header), or a
 * dispatcher's session cookie from `POST /api/session` (httpOnly, SameSite=Strict).
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ErrorCodes } from "@helpkey/shared";
import type { Db } from "../db/open";
import { tokenDigest } from "../devices/secret-hash";
import type { Role } from "../users/roles";
import { lookupSession, SESSION_IDLE_MS } from "../users/session-store";
export { canSee } from "../users/scope";
import { HttpError } from "./errors";

export interface Principal {
  /** Shown in the audit trail and on the resident's device. */
  name: string;
  /** null = every community. */
  communityIds: number[] | null;
  role: Role;
  /** The console account, null for the admin token. */
  userId: number | null;
  /** Set when the request came with a session cookie. */
  sessionId: string | null;
}

/** "public", or the console roles that may call the route (admins may call every route). */
export type Access = "public" | readonly Role[];

declare module "fastify" {
  interface FastifyContextConfig {
    /** Required on every route: who may call it. */
    access?: Access;
    /** The admin token may come as `?token=` (the console WebSocket only: query strings end up in logs). */
    tokenInQuery?: boolean;
  }
  interface FastifyRequest {
    /** Set by the access check on every non-public route. */
    principal?: Principal;
  }
}

export const SESSION_COOKIE = "hk_session";

/** The caller of a non-public route (the access check ran before any handler). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new Error(`no principal on ${req.routeOptions.method} ${req.routeOptions.url}: the route is public`);
  return req.principal;
}

export interface AdminToken {
  /** True when `token` is the install's admin token (constant time). */
  matches(token: string): boolean;
}

export function adminTokenCheck(adminTokenDigest: string): AdminToken {
  const expected = Buffer.from(adminTokenDigest, "hex");
  return {
    matches(token) {
      const got = Buffer.from(tokenDigest(token), "hex");
      return got.length === expected.length && timingSafeEqual(got, expected);
    },
  };
}

const ADMIN: Omit<Principal, "sessionId"> = { name: "admin", communityIds: null, role: "admin", userId: null };

function bearerOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice(7).trim();
  if (!req.routeOptions.config?.tokenInQuery) return undefined;
  const fromQuery = (req.query as { token?: unknown } | undefined)?.token;
  return typeof fromQuery === "string" ? fromQuery : undefined;
}

/** No Origin header (not a browser's cross-origin request) or one naming this host. */
function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * Resolves the caller or throws 401. An explicit Bearer token wins over a cookie, so a script run
 * from a logged-in browser profile acts as the admin it says it is.
 */
export function createAuthenticate(admin: AdminToken, db: Db, now: () => number) {
  return function authenticate(req: FastifyRequest): Principal {
    const bearer = bearerOf(req);
    if (bearer !== undefined) {
      if (!admin.matches(bearer)) throw new HttpError(401, ErrorCodes.UNAUTHORIZED, "invalid token");
      return { ...ADMIN, sessionId: null };
    }
    const cookie = req.cookies[SESSION_COOKIE];
    if (!cookie) throw new HttpError(401, ErrorCodes.UNAUTHORIZED, "missing credentials: log in (POST /api/session) or send Authorization: Bearer <admin token>");
    // Defence in depth next to SameSite=Strict: a page of another origin never acts with the cookie
    // (a WebSocket handshake is not subject to CORS, so this is the check that covers it).
    if (!sameOrigin(req.headers.origin, req.headers.host)) throw new HttpError(403, ErrorCodes.FORBIDDEN, "cross-origin request refused");
    const s = lookupSession(db, cookie, now());
    if (!s) throw new HttpError(401, ErrorCodes.UNAUTHORIZED, "session expired: log in again");
    return { name: s.name, communityIds: s.communityIds, role: s.role, userId: s.userId, sessionId: s.sessionId };
  };
}
export type Authenticate = ReturnType<typeof createAuthenticate>;

/** 403 unless the principal's role is among the route's. */
export function authorize(p: Principal, access: readonly Role[], req: FastifyRequest): void {
  if (p.role === "admin" || access.includes(p.role)) return;
  throw new HttpError(403, ErrorCodes.FORBIDDEN, `a ${p.role} may not use ${req.routeOptions.method} ${req.routeOptions.url}`);
}

export function setSessionCookie(reply: FastifyReply, token: string): void {
  // Secure whenever the browser reached us over TLS (directly, or through a proxy HK_TRUST_PROXY trusts).
  reply.setCookie(SESSION_COOKIE, token, { path: "/", httpOnly: true, sameSite: "strict", maxAge: SESSION_IDLE_MS / 1000, secure: reply.request.protocol === "https" });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "strict" });
}
