/**
 * The responder link's token: `<dispatch id>.<expiry, base36 ms>.<HMAC>`.
 * HMAC-SHA256 with a per-install secret (store/install-secret.ts), so links survive a restart but a
 * link from another install (or a guessed id) never verifies. The token says which dispatch and until
 * when; whether the alert is still live is checked against the database on every use.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Db } from "../db/open";
import { installSecret } from "../store/install-secret";

const KEY = "responder_hmac_secret";
/** A responder link is good for one shift; resolution ends it sooner. */
export const RESPONDER_LINK_TTL_MS = 6 * 3600_000;

export function responderSecret(db: Db): Buffer {
  return installSecret(db, KEY);
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
