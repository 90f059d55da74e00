/**
 * `POST /api/session` (log in), `GET /api/session` (who am I), `DELETE /api/session` (log out).
 * A dispatcher's session cookie is the browser's credential for every `/api` route; login-guard.ts
 * says how a flood of logins is kept from costing anyone else anything.
 */
import type { FastifyInstance } from "fastify";
import { ErrorCodes } from "@helpkey/shared";
import { HashExpiredError, HashPoolBusyError } from "../devices/hash-pool";
import { verifySecret } from "../devices/secret-hash";
import { anyRole, loginSchema } from "../users/roles";
import { closeSession, openSession } from "../users/session-store";
import { findActiveUser, toUserView } from "../users/user-store";
import type { AppDeps } from "./app-deps";
import { clearSessionCookie, principalOf, SESSION_COOKIE, setSessionCookie } from "./auth";
import { HttpError, parse } from "./errors";
import { KnownBrowsers } from "./known-browser";
import { LOGIN_REQUESTS_PER_MINUTE } from "./login-guard";
import { installSecret } from "../store/install-secret";

/** Burns about one scrypt's time for unknown usernames, so timing does not tell which accounts exist. */
const DUMMY_HASH = "scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
/** A login whose hash has not started by then is answered "busy" instead of keeping its caller waiting. */
const HASH_WAIT_MS = 5_000;

export function sessionRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.ctx;
  const { loginGuard: guard } = deps;
  const knownBrowsers = new KnownBrowsers(installSecret(db, "known_browser_hmac_secret"));

  const loginLimit = {
    max: LOGIN_REQUESTS_PER_MINUTE,
    timeWindow: 60_000,
    errorResponseBuilder: (_req: unknown, ctx: { after: string }) =>
      new HttpError(429, ErrorCodes.TOO_MANY_REQUESTS, `too many login attempts from this address: try again in ${ctx.after}`),
  };

  app.post("/api/session", { config: { access: "public", rateLimit: loginLimit } }, async (req, reply) => {
    const body = parse(loginSchema, req.body);
    const now = deps.now();
    // a browser that logged in to this account before is held to its own lock, a stranger to the (username, address) one
    const known = knownBrowsers.check(req, body.username, now);
    const source = known ? `known:${known}` : req.ip;
    const wait = guard.blockedFor(body.username, source, now);
    if (wait > 0) {
      reply.header("retry-after", Math.ceil(wait / 1000));
      throw new HttpError(429, ErrorCodes.TOO_MANY_REQUESTS, `too many wrong passwords for ${body.username} from this address: try again in ${Math.ceil(wait / 60_000)} min`);
    }
    // The install's admin token also logs in, as "admin": the way in before any account exists.
    let userId: number | null = null;
    let user = undefined as ReturnType<typeof findActiveUser>;
    if (!(body.username === "admin" && deps.adminToken.matches(body.password))) {
      user = findActiveUser(db, body.username);
      let ok: boolean;
      try {
        ok = await verifySecret(body.password, user?.passwordHash ?? DUMMY_HASH, (s, salt, len, p) => deps.hashes.derive(s, salt, len, p, { lane: known ? "known" : "password", deadline: Date.now() + HASH_WAIT_MS }));
      } catch (err) {
        if (!(err instanceof HashPoolBusyError || err instanceof HashExpiredError)) throw err;
        reply.header("retry-after", 2);
        throw new HttpError(503, ErrorCodes.BUSY, "too many logins at once: try again in a few seconds");
      }
      if (!user || !ok) {
        guard.fail(body.username, source, now);
        req.log.warn({ username: body.username, source: req.ip }, "login failed");
        throw new HttpError(401, ErrorCodes.UNAUTHORIZED, "wrong username or password");
      }
      userId = user.id;
    }
    guard.succeed(body.username, source);
    setSessionCookie(reply, openSession(db, userId, now));
    knownBrowsers.remember(reply, body.username, now);
    req.log.info({ username: body.username }, "logged in");
    return user ? toUserView(db, user) : { id: null, username: "admin", name: "admin", role: "admin", language: "zh-CN", communityIds: null, disabled: false };
  });

  /** Who am I; for a session also a fresh cookie, so a console open for days keeps a cookie as alive as its session. */
  app.get("/api/session", { config: { access: anyRole } }, async (req, reply) => {
    const p = principalOf(req);
    const token = req.cookies[SESSION_COOKIE];
    if (p.sessionId && token) setSessionCookie(reply, token);
    return { name: p.name, role: p.role, userId: p.userId, communityIds: p.communityIds, viaSession: p.sessionId !== null };
  });

  /** Logs out: the session ends, and so does every console socket opened with it. */
  app.delete("/api/session", { config: { access: anyRole } }, async (req, reply) => {
    const p = principalOf(req);
    if (p.sessionId) {
      closeSession(db, p.sessionId);
      deps.hub.revoke((c) => c.sessionId === p.sessionId, "logged out");
    }
    clearSessionCookie(reply);
    return reply.status(204).send();
  });
}
