/**
 * "This browser has logged in to this account before" (OWASP's device cookie against login
 * lock-outs): a signed cookie set at every successful login, scoped to the login route. A login that
 * carries it for the username it names is served ahead of strangers' (the hash pool's "known" lane)
 * and is not held to the (username, address) lock that a guesser on the same address may have set
 * off; five wrong passwords with it make it worthless until the next successful login.
 *
 * Value: `<expiry, base36 ms>.<HMAC-SHA256(install secret, username + expiry), 128 bits>`; the
 * cookie's name carries a digest of the username, so one browser can be known for several accounts.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

/** A browser stays known for this long after its last successful login. */
export const KNOWN_BROWSER_TTL_MS = 90 * 24 * 3600_000;

export class KnownBrowsers {
  constructor(private readonly secret: Buffer) {}

  private static cookieName(username: string): string {
    return `hk_known_${createHash("sha256").update(username.toLowerCase()).digest("base64url").slice(0, 12)}`;
  }

  private mac(username: string, expires: string): Buffer {
    return createHmac("sha256", this.secret).update(`known:${username.toLowerCase()}:${expires}`).digest().subarray(0, 16);
  }

  /** The cookie's MAC (its identity for failure counting) when the request carries a valid one for `username`. */
  check(req: FastifyRequest, username: string, now: number): string | null {
    const value = req.cookies[KnownBrowsers.cookieName(username)];
    const m = value ? /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/.exec(value) : null;
    if (!m || parseInt(m[1]!, 36) <= now) return null;
    const given = Buffer.from(m[2]!, "base64url");
    const expected = this.mac(username, m[1]!);
    return given.length === expected.length && timingSafeEqual(given, expected) ? m[2]! : null;
  }

  remember(reply: FastifyReply, username: string, now: number): void {
    const expires = (now + KNOWN_BROWSER_TTL_MS).toString(36);
    const value = `${expires}.${this.mac(username, expires).toString("base64url")}`;
    reply.setCookie(KnownBrowsers.cookieName(username), value, {
      path: "/api/session", httpOnly: true, sameSite: "strict", maxAge: KNOWN_BROWSER_TTL_MS / 1000, secure: reply.request.protocol === "https",
    });
  }
}
