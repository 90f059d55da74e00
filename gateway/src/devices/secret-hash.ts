/** Device secrets and admin tokens are stored only as slow hashes (scrypt, node:crypto). */
import { randomBytes, scrypt, timingSafeEqual, createHash } from "node:crypto";
import { promisify } from "node:util";

const scryptAsync = promisify(scrypt) as (pw: string | Buffer, salt: Buffer, keylen: number, opts: object) => Promise<Buffer>;
// N=2^14 keeps one check near 30 ms on this machine's cores, run in libuv's pool (not the event loop).
const PARAMS = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export function newSecret(): string {
  return randomBytes(18).toString("base64url");
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(secret, salt, 32, PARAMS);
  return `scrypt$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export async function verifySecret(secret: string | Buffer, stored: string): Promise<boolean> {
  const [algo, saltB64, keyB64] = stored.split("$");
  if (algo !== "scrypt" || !saltB64 || !keyB64) return false;
  const expected = Buffer.from(keyB64, "base64url");
  const key = await scryptAsync(secret, Buffer.from(saltB64, "base64url"), expected.length, PARAMS);
  return timingSafeEqual(key, expected);
}

/** Admin tokens are long random strings: a fast hash is enough and keeps every API call cheap. */
export function tokenDigest(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
