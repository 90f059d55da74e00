/**
 * Device secrets and dispatcher passwords are stored only as slow hashes (scrypt, node:crypto);
 * admin tokens as a fast one (see tokenDigest).
 *
 * Stored format: `scrypt$<salt>$<key>` (the original, always N=2^14, r=8, p=1) or
 * `scrypt$<N>$<r>$<p>$<salt>$<key>` (parameters written out, so they can change without a migration).
 *
 * Two costs:
 * - PASSWORD_PARAMS, N=2^14 (~40 ms per check on one core): for what people choose. A dispatcher's
 *   password may be guessable; the cost is what protects it.
 * - DEVICE_PARAMS, N=2^10, r=1 (~0.27 ms, 128 KiB, still memory-hard): for device secrets, which the
 *   system generates (newSecret: 18 random bytes, 144 bits). Offline guessing of a 144-bit random
 *   secret is out of reach at any hash cost, so the cost factor buys nothing there, while it decides
 *   how fast a whole district comes back after a restart (every device's first CONNECT re-runs the
 *   hash: the verified cache is in memory only) and how much a flood of wrong CONNECTs costs.
 *   19,000 devices × 40 ms = 380 s of CPU; at DEVICE_PARAMS, 5 s. Provisioning and rotation hash at
 *   this cost too, so a device's first CONNECT is as cheap as its hundredth; hashes made at other
 *   parameters are rewritten at the first successful check.
 *
 * The gateway hashes on its HashPool (hash-pool.ts), passed in as `derive`; without one, node:crypto's
 * async scrypt runs in libuv's pool (scripts and tests only: that pool also runs the WAL fsync).
 */
import { randomBytes, scrypt, timingSafeEqual, createHash } from "node:crypto";
import { promisify } from "node:util";

const scryptAsync = promisify(scrypt) as (pw: string | Buffer, salt: Buffer, keylen: number, opts: object) => Promise<Buffer>;

/** Derives the key: a HashPool's worker threads (the gateway), or node:crypto's scrypt in libuv's pool. */
export type Derive = (secret: string | Buffer, salt: Buffer, keylen: number, params: Readonly<ScryptParams> & { maxmem: number }) => Promise<Buffer>;
const libuvScrypt: Derive = (secret, salt, keylen, params) => scryptAsync(secret, salt, keylen, params);

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const PASSWORD_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 16384, r: 8, p: 1 });
export const DEVICE_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 1024, r: 1, p: 1 });
/** scrypt needs 128·N·r bytes; leave room above the largest we use. */
const MAXMEM = 64 * 1024 * 1024;

export function newSecret(): string {
  return randomBytes(18).toString("base64url");
}

async function hashWith(secret: string, params: Readonly<ScryptParams>, derive: Derive = libuvScrypt): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, 32, { ...params, maxmem: MAXMEM });
  const { N, r, p } = params;
  const head = N === PASSWORD_PARAMS.N && r === PASSWORD_PARAMS.r && p === PASSWORD_PARAMS.p ? "scrypt" : `scrypt$${N}$${r}$${p}`;
  return `${head}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

/** For passwords people choose (and anything else low in entropy). */
export function hashSecret(secret: string, derive?: Derive): Promise<string> {
  return hashWith(secret, PASSWORD_PARAMS, derive);
}

/** For device secrets from newSecret() (144 random bits): see the header for the cost. */
export function hashDeviceSecret(secret: string, derive?: Derive): Promise<string> {
  return hashWith(secret, DEVICE_PARAMS, derive);
}

interface Parsed {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): Parsed | null {
  const parts = stored.split("$");
  if (parts[0] !== "scrypt") return null;
  let params: ScryptParams;
  let saltB64: string | undefined;
  let keyB64: string | undefined;
  if (parts.length === 3) {
    params = { ...PASSWORD_PARAMS };
    [, saltB64, keyB64] = parts;
  } else if (parts.length === 6) {
    params = { N: Number(parts[1]), r: Number(parts[2]), p: Number(parts[3]) };
    [, , , , saltB64, keyB64] = parts;
    const { N, r, p } = params;
    // N a power of two ≥ 2^10 (never weaker than DEVICE_PARAMS), small r and p: a stored string is data, not trusted code
    if (!Number.isInteger(N) || N < 1024 || N > 2 ** 20 || (N & (N - 1)) !== 0 || !(r >= 1 && r <= 32) || !(p >= 1 && p <= 16)) return null;
  } else {
    return null;
  }
  if (!saltB64 || !keyB64) return null;
  return { params, salt: Buffer.from(saltB64, "base64url"), key: Buffer.from(keyB64, "base64url") };
}

export async function verifySecret(secret: string | Buffer, stored: string, derive: Derive = libuvScrypt): Promise<boolean> {
  const h = parse(stored);
  if (!h || h.key.length === 0) return false;
  const key = await derive(secret, h.salt, h.key.length, { ...h.params, maxmem: MAXMEM });
  return timingSafeEqual(key, h.key);
}

/** True when a stored hash was made with other parameters than `params` (so it can be rewritten after a successful check). */
export function needsRehash(stored: string, params: Readonly<ScryptParams>): boolean {
  const h = parse(stored);
  return !h || h.params.N !== params.N || h.params.r !== params.r || h.params.p !== params.p;
}

/** Admin tokens are long random strings: a fast hash is enough and keeps every API call cheap. */
export function tokenDigest(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
