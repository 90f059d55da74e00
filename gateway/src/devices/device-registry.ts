/**
 * Devices as the hot path and the broker's credential check see them, cached in memory.
 * A successful scrypt check is remembered (as a keyed digest of the secret) so that reconnects
 * after a network blip cost microseconds, not a slow hash each; rotation and revocation drop it.
 *
 * After a restart that memory is empty and every device's CONNECT runs the slow hash again.
 * These keep that bounded:
 * - device secrets are hashed at DEVICE_PARAMS (secret-hash.ts says why that cost is enough), and a
 *   hash made at another cost is rewritten at the first successful check;
 * - one check per (device, secret) at a time: a device that gave up waiting and reconnects joins the
 *   check already under way instead of queueing a second one;
 * - the hashes run on the HashPool's worker threads, each with its CONNECT's deadline, so a check
 *   nobody waits for any more is dropped unhashed.
 *
 * Only known devices are cached: a stranger's unknown id is looked up again each time (a prepared
 * primary-key miss, ~4 µs with 20,000 devices) and never remembered, so no stranger grows a map here.
 */
import { createHmac, randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/open";
import { devices } from "../db/schema";
import type { DeriveOptions, HashPool } from "./hash-pool";
import { DEVICE_PARAMS, hashDeviceSecret, needsRehash, verifySecret } from "./secret-hash";

export interface DeviceInfo {
  id: string;
  householdId: number;
  type: "button" | "stb";
  secretHash: string;
  revoked: boolean;
  /** In maintenance: its presses reach the console marked so, and nobody is texted or called. */
  maintenance: boolean;
}

/** What a credential check found. */
export type DeviceVerdict = "ok" | "unknown" | "revoked" | "wrong-secret";

export class DeviceRegistry {
  private readonly cache = new Map<string, DeviceInfo>();
  private readonly verified = new Map<string, string>();
  private readonly checking = new Map<string, Promise<DeviceVerdict>>();
  private readonly pepper = randomBytes(32);
  private byId: { get(p: { id: string }): typeof devices.$inferSelect | undefined } | null = null;
  /** `derive`: where the slow hash runs (system.ts passes its HashPool's). */
  constructor(private readonly db: Db, private readonly derive: HashPool["derive"]) {}

  get(id: string): DeviceInfo | null {
    const cached = this.cache.get(id);
    if (cached) return cached;
    this.byId ??= this.db.select().from(devices).where(eq(devices.id, sql.placeholder("id"))).prepare();
    const row = this.byId.get({ id });
    if (!row) return null;
    const d: DeviceInfo = {
      id: row.id, householdId: row.householdId, type: row.type, secretHash: row.secretHash, revoked: row.revokedAt !== null, maintenance: row.maintenanceAt !== null,
    };
    this.cache.set(id, d);
    return d;
  }

  invalidate(id: string): void {
    this.cache.delete(id);
    this.verified.delete(id);
  }

  /** This exact secret was verified for this device since start: a keyed-digest compare, microseconds. */
  isVerified(id: string, secret: Buffer | undefined): boolean {
    return secret !== undefined && this.verified.get(id) === this.digest(secret);
  }

  /**
   * The credential check: a known, unrevoked device with the right secret. Rejects with the pool's
   * HashPoolBusyError or HashExpiredError when no hash was run.
   */
  async authenticate(id: string, secret: Buffer | undefined, opts: { deadline?: number } = {}): Promise<DeviceVerdict> {
    const d = this.get(id);
    if (!d) return "unknown";
    if (d.revoked) return "revoked";
    if (!secret) return "wrong-secret";
    const digest = this.digest(secret);
    if (this.verified.get(id) === digest) return "ok";
    const key = `${id}\n${digest}`;
    let check = this.checking.get(key);
    if (!check) {
      check = this.check(d, secret, digest, opts.deadline).finally(() => this.checking.delete(key));
      this.checking.set(key, check);
    }
    return check;
  }

  /** Entries per map, for the hk_bounded_entries gauge. */
  sizes(): { device_cache: number; verified_devices: number; checks_in_flight: number } {
    return { device_cache: this.cache.size, verified_devices: this.verified.size, checks_in_flight: this.checking.size };
  }

  private digest(secret: Buffer): string {
    return createHmac("sha256", this.pepper).update(secret).digest("base64");
  }

  private async check(d: DeviceInfo, secret: Buffer, digest: string, deadline: number | undefined): Promise<DeviceVerdict> {
    const opts: DeriveOptions = deadline === undefined ? {} : { deadline };
    const ok = await verifySecret(secret, d.secretHash, (s, salt, keylen, params) => this.derive(s, salt, keylen, params, opts));
    // The device may have been revoked or rotated while the slow hash ran.
    const now = this.get(d.id);
    if (!now || now.revoked) return now ? "revoked" : "unknown";
    if (!ok || now.secretHash !== d.secretHash) return "wrong-secret";
    this.verified.set(d.id, digest);
    if (needsRehash(d.secretHash, DEVICE_PARAMS)) void this.rehash(d.id, d.secretHash, secret);
    return "ok";
  }

  /** Rewrites a hash made at another cost, unless the secret was rotated meanwhile. */
  private async rehash(id: string, old: string, secret: Buffer): Promise<void> {
    try {
      const fresh = await hashDeviceSecret(secret.toString("utf8"), this.derive);
      const r = this.db.update(devices).set({ secretHash: fresh }).where(and(eq(devices.id, id), eq(devices.secretHash, old))).run();
      if (r.changes > 0 && this.cache.get(id)?.secretHash === old) this.cache.get(id)!.secretHash = fresh;
    } catch {
      // best effort: the old hash still verifies
    }
  }
}
