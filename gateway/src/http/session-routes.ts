/**
 * `POST /api/session` (log in), `GET /api/session` (who am I), `DELETE /api/session` (log out).
 * DESIGN.md "HTTP API": a dispatcher's session cookie is the browser's credential for every `/api` route.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ErrorCodes } from "@helpkey/shared";
import { verifySecret } from "../devices/secret-hash";
import { LoginThrottle } from "../users/login-throttle";
import { anyRole, loginSchema } from "../users/roles";
import { closeSession, openSession } from "../users/session-store";
import { findActiveUser, toUserView } from "../users/user-store";
import type { AppDeps } from "./app-deps";
import { clearSessionCookie, principalOf, readCookie, SESSION_COOKIE, setSessionCookie } from "./auth";
import { HttpError, parse } from "./errors";

/** Burns about one scrypt's time for unknown usernames, so timing does not tell which accounts exist. */
const DUMMY_HASH = "scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

export function sessionRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.ctx;
  const throttle = new LoginThrottle();

  /** The install's admin token also logs in, as "admin": the way in before any account exists. */
  const isAdminToken = (password: string): boolean => {
    try {
      deps.authenticate({ headers: { authorization: `Bearer ${password}` }, query: {} } as FastifyRequest);
      return true;
    } catch {
      return false;
    }
  };

  app.post("/api/session", { config: { public: true } }, async (req, reply) => {
    const body = parse(loginSchema, req.body);
    const now = deps.now();
    const wait = throttle.blockedFor(body.username, now);
    if (wait > 0) throw new HttpError(429, ErrorCodes.UNAUTHORIZED, `too many failed logins for ${body.username}: try again in ${Math.ceil(wait / 60_000)} min`);
    const user = findActiveUser(db, body.username);
    const ok = await verifySecret(body.password, user?.passwordHash ?? DUMMY_HASH);
    let userId: number | null;
    if (user && ok) userId = user.id;
    else if (body.username === "admin" && isAdminToken(body.password)) userId = null;
    else {
      throttle.fail(body.username, now);
      req.log.warn({ username: body.username }, "login failed");
      throw new HttpError(401, ErrorCodes.UNAUTHORIZED, "wrong username or password");
    }
    throttle.succeed(body.username);
    setSessionCookie(req, reply, openSession(db, userId, now));
    req.log.info({ username: body.username }, "logged in");
    return user && userId !== null ? toUserView(db, user) : { id: null, username: "admin", name: "admin", role: "admin", language: "zh-CN", communityIds: null, disabled: false };
  });

  /** Who am I; for a session also a fresh cookie, so a console open for days keeps a cookie as alive as its session. */
  app.get("/api/session", { config: { roles: anyRole } }, async (req, reply) => {
    const p = principalOf(req);
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (p.sessionId && token) setSessionCookie(req, reply, token);
    return { name: p.name, role: p.role, userId: p.userId, communityIds: p.communityIds, viaSession: p.sessionId !== null };
  });

  app.delete("/api/session", { config: { roles: anyRole } }, async (req, reply) => {
    const p = principalOf(req);
    if (p.sessionId) closeSession(db, p.sessionId);
    clearSessionCookie(reply);
    return reply.status(204).send();
  });
}
