/**
 * Devices as the hot path and the broker's credential check see them, cached in memory.
 * A successful scrypt check is remembered (as a keyed digest of the secret) so that reconnects
 * after a network blip cost microseconds, not a slow hash each; rotation and revocation drop it.
 *
 * After a restart that memory is empty and every device's CONNECT runs the slow hash again
 * (issue 4: a district's reconnect storm). These keep that bounded:
 * - device secrets are hashed at DEVICE_PARAMS (secret-hash.ts says why that cost is enough), and a
 *   hash made at another cost is rewritten at the first successful check;
 * - one check per (device, secret) at a time: a device that gave up waiting and reconnects joins the
 *   check already under way instead of queueing a second one;
 * - the hashes run on worker threads (hash-pool.ts, one per core), never on the event
 *   loop nor in libuv's pool, where the WAL fsync that every ack waits for runs (store/wal-sync.ts).
 */
import { createHmac, randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/open";
import { devices } from "../db/schema";
import { DEVICE_PARAMS, hashDeviceSecret, needsRehash, verifySecret, type Derive } from "./secret-hash";

export interface DeviceInfo {
  id: string;
  householdId: number;
  type: "button" | "stb";
  secretHash: string;
  revoked: boolean;
}

export class DeviceRegistry {
  private cache = new Map<string, DeviceInfo | null>();
  private verified = new Map<string, string>();
  private checking = new Map<string, Promise<boolean>>();
  private readonly pepper = randomBytes(32);
  private byId: { get(p: { id: string }): typeof devices.$inferSelect | undefined } | null = null;
  /** `derive`: where the slow hash runs (system.ts passes a HashPool's; default node:crypto's). */
  constructor(private readonly db: Db, private readonly derive?: Derive) {}

  get(id: string): DeviceInfo | null {
    let d = this.cache.get(id);
    if (d === undefined) {
      this.byId ??= this.db.select().from(devices).where(eq(devices.id, sql.placeholder("id"))).prepare();
      const row = this.byId.get({ id });
      d = row ? { id: row.id, householdId: row.householdId, type: row.type, secretHash: row.secretHash, revoked: row.revokedAt !== null } : null;
      this.cache.set(id, d);
    }
    return d;
  }

  invalidate(id: string): void {
    this.cache.delete(id);
    this.verified.delete(id);
  }

  /** The broker's injected credential check: a known, unrevoked device with the right secret. */
  async authenticate(id: string, secret: Buffer | undefined): Promise<boolean> {
    const d = this.get(id);
    if (!d || d.revoked || !secret) return false;
    const digest = createHmac("sha256", this.pepper).update(secret).digest("base64");
    if (this.verified.get(id) === digest) return true;
    const key = `${id}\n${digest}`;
    let check = this.checking.get(key);
    if (!check) {
      check = this.check(d, secret, digest).finally(() => this.checking.delete(key));
      this.checking.set(key, check);
    }
    return check;
  }

  private async check(d: DeviceInfo, secret: Buffer, digest: string): Promise<boolean> {
    const ok = await verifySecret(secret, d.secretHash, this.derive);
    // The device may have been revoked or rotated while the slow hash ran.
    const now = this.get(d.id);
    if (!ok || !now || now.revoked || now.secretHash !== d.secretHash) return false;
    this.verified.set(d.id, digest);
    if (needsRehash(d.secretHash, DEVICE_PARAMS)) void this.rehash(d.id, d.secretHash, secret);
    return true;
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
