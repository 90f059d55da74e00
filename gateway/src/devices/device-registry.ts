/**
 * Devices as the hot path and the broker's credential check see them, cached in memory.
 * A successful scrypt check is remembered (as a keyed digest of the secret) so that reconnects
 * after a network blip cost microseconds, not a slow hash each; rotation and revocation drop it.
 */
import { createHmac, randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../db/open";
import { devices } from "../db/schema";
import { verifySecret } from "./secret-hash";

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
  private readonly pepper = randomBytes(32);
  constructor(private readonly db: Db) {}

  get(id: string): DeviceInfo | null {
    let d = this.cache.get(id);
    if (d === undefined) {
      const row = this.db.select().from(devices).where(eq(devices.id, id)).get();
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
    const ok = await verifySecret(secret, d.secretHash);
    // The device may have been revoked or rotated while the slow hash ran.
    const now = this.get(id);
    if (!ok || !now || now.revoked || now.secretHash !== d.secretHash) return false;
    this.verified.set(id, digest);
    return true;
  }
}
