/**
 * The responder link's token (issue 5, "Responder page"): `<dispatch id>.<expiry, base36 ms>.<HMAC>`.
 * HMAC-SHA256 with a per-install secret kept in the settings table, so links survive a restart but a
 * link from another install (or a guessed id) never verifies. The token says which dispatch and until
 * when; whether the alert is still live is checked against the database on every use.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../db/open";
import { settings } from "../db/schema";

const KEY = "responder_hmac_secret";
/** A responder link is good for one shift; resolution ends it sooner. */
export const RESPONDER_LINK_TTL_MS = 6 * 3600_000;

/** The install's secret, created on first use (inside no transaction: a settings row of its own). */
export function responderSecret(db: Db): Buffer {
  const row = db.select().from(settings).where(eq(settings.key, KEY)).get();
  if (row) return Buffer.from(row.value, "base64url");
  const secret = randomBytes(32);
  db.insert(settings).values({ key: KEY, value: secret.toString("base64url") }).onConflictDoNothing().run();
  return Buffer.from(db.select().from(settings).where(eq(settings.key, KEY)).get()!.value, "base64url");
}

function mac(secret: Buffer, payload: string): string {
  // 128 bits of the MAC keep the SMS link short and are far beyond guessing over HTTP.
  return createHmac("sha256", secret).update(`responder:${payload}`).digest().subarray(0, 16).toString("base64url");
}

export function signResponderToken(secret: Buffer, dispatchId: number, expiresAt: number): string {
  const payload = `${dispatchId}.${expiresAt.toString(36)}`;
  return `${payload}.${mac(secret, payload)}`;
}

export type TokenCheck = { ok: true; dispatchId: number; expiresAt: number } | { ok: false; reason: "malformed" | "bad_signature" | "expired" };

export function verifyResponderToken(secret: Buffer, token: string, now: number): TokenCheck {
  const m = /^(\d{1,12})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!m) return { ok: false, reason: "malformed" };
  const expected = Buffer.from(mac(secret, `${m[1]}.${m[2]}`));
  const got = Buffer.from(m[3]!);
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return { ok: false, reason: "bad_signature" };
  const expiresAt = parseInt(m[2]!, 36);
  if (now >= expiresAt) return { ok: false, reason: "expired" };
  return { ok: true, dispatchId: Number(m[1]), expiresAt };
}
