/**
 * Who is calling `/api` (DESIGN.md "HTTP API"): the admin token (`Authorization: Bearer <token>`, or
 * `?token=` on the console WebSocket where scripts cannot set headers), or a dispatcher's session
 * cookie from `POST /api/session` (httpOnly, SameSite=Strict: the browser sends it on the console's
 * own requests and WebSocket only, so no other site can act with it).
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ErrorCodes } from "@helpkey/shared";
import type { Db } from "../db/open";
import { tokenDigest } from "../devices/secret-hash";
import { anyRole, type Role } from "../users/roles";
import { lookupSession, SESSION_IDLE_MS } from "../users/session-store";
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

declare module "fastify" {
  interface FastifyContextConfig {
    /** No credentials needed (login, the responder link's own token). */
    public?: boolean;
    /** Which console roles may use the route; admins may use every route. */
    roles?: readonly Role[];
  }
}

export const SESSION_COOKIE = "hk_session";

export const principalOf = (req: FastifyRequest): Principal => (req as FastifyRequest & { principal: Principal }).principal;

export function canSee(p: Principal, communityId: number): boolean {
  return p.communityIds === null || p.communityIds.includes(communityId);
}

/** The admin-token check (unchanged contract: Bearer header or `?token=`). */
export function createAuth(adminTokenDigest: string) {
  const expected = Buffer.from(adminTokenDigest, "hex");
  return function authenticate(req: FastifyRequest): Principal {
    const header = req.headers.authorization;
    const fromQuery = (req.query as { token?: unknown } | undefined)?.token;
    const token = header?.startsWith("Bearer ") ? header.slice(7).trim() : typeof fromQuery === "string" ? fromQuery : undefined;
    if (!token) throw new HttpError(401, ErrorCodes.UNAUTHORIZED, "missing credentials: log in (POST /api/session) or send Authorization: Bearer <admin token>");
    const got = Buffer.from(tokenDigest(token), "hex");
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw new HttpError(401, ErrorCodes.UNAUTHORIZED, "invalid token");
    return { name: "admin", communityIds: null, role: "admin", userId: null, sessionId: null };
  };
}
export type Authenticate = ReturnType<typeof createAuth>;

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
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
 * A session cookie wins over the token fallback; an explicit Bearer header wins over a cookie, so a
 * script run from a logged-in browser profile still acts as the admin it says it is.
 */
export function withSessions(tokenAuth: Authenticate, db: Db, now: () => number): Authenticate {
  return function authenticate(req: FastifyRequest): Principal {
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (cookie && !req.headers.authorization) {
      // Defence in depth next to SameSite=Strict: a page of another origin never acts with the cookie
      // (a WebSocket handshake is not subject to CORS, so this is the check that covers it).
      if (!sameOrigin(req.headers.origin, req.headers.host)) throw new HttpError(403, ErrorCodes.FORBIDDEN, "cross-origin request refused");
      const s = lookupSession(db, cookie, now());
      if (s) return { name: s.name, communityIds: s.communityIds, role: s.role, userId: s.userId, sessionId: s.sessionId };
      // A stale cookie next to `?token=` is a script in a browser profile: let the token speak.
      if (typeof (req.query as { token?: unknown } | undefined)?.token !== "string") throw new HttpError(401, ErrorCodes.UNAUTHORIZED, "session expired: log in again");
    }
    return tokenAuth(req);
  };
}

/** Routes from before roles existed (alerts, the console WebSocket) are the console's own: every role uses them. */
const CONSOLE_PATHS = /^\/api\/(alerts|console)(\/|\?|$)/;

/** 403 unless the principal's role may use this route; admin routes are the default for unmarked ones. */
export function authorize(p: Principal, req: FastifyRequest): void {
  if (p.role === "admin") return;
  const allowed = req.routeOptions.config?.roles ?? (CONSOLE_PATHS.test(req.url) ? anyRole : []);
  if (!allowed.includes(p.role)) throw new HttpError(403, ErrorCodes.FORBIDDEN, `a ${p.role} may not use ${req.method} ${req.url.split("?")[0]}`);
}

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string): void {
  const secure = req.protocol === "https" ? "; Secure" : "";
  reply.header("set-cookie", `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_IDLE_MS / 1000}${secure}`);
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.header("set-cookie", `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
}
