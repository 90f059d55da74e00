/**
 * The first admin token (DESIGN.md "HTTP API"): HK_ADMIN_TOKEN, or generated once at first start,
 * kept (mode 0600) in the data dir so the operator can read it again; only its digest is in the database.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Db } from "./db/open";
import { settings } from "./db/schema";
import { tokenDigest } from "./devices/secret-hash";

const KEY = "admin_token_sha256";

export function adminTokenFile(dataDir: string): string {
  return path.join(dataDir, "admin-token.txt");
}

/** Returns the digest to check against and, when known, the token itself (for the banner). */
export function ensureAdminToken(db: Db, dataDir: string, configured: string | undefined): { digest: string; token: string | null; generated: boolean } {
  const file = adminTokenFile(dataDir);
  const stored = db.select().from(settings).where(eq(settings.key, KEY)).get();
  const save = (digest: string) => db.insert(settings).values({ key: KEY, value: digest }).onConflictDoUpdate({ target: settings.key, set: { value: digest } }).run();
  if (configured) {
    const digest = tokenDigest(configured);
    if (stored?.value !== digest) save(digest);
    return { digest, token: configured, generated: false };
  }
  if (stored) {
    const token = existsSync(file) ? readFileSync(file, "utf8").trim() : null;
    return { digest: stored.value, token: token && tokenDigest(token) === stored.value ? token : null, generated: false };
  }
  const token = `hk_${randomBytes(24).toString("base64url")}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  const digest = tokenDigest(token);
  save(digest);
  return { digest, token, generated: true };
}
