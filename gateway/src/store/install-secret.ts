/**
 * Per-install secrets (HMAC keys) kept in the settings table: created on first use, the same after a
 * restart, different on every install, so a token signed by another install never verifies.
 */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../db/open";
import { settings } from "../db/schema";

/** The secret under `key`, created on first use (a settings row of its own, inside no transaction). */
export function installSecret(db: Db, key: string): Buffer {
  const row = db.select().from(settings).where(eq(settings.key, key)).get();
  if (row) return Buffer.from(row.value, "base64url");
  db.insert(settings).values({ key, value: randomBytes(32).toString("base64url") }).onConflictDoNothing().run();
  return Buffer.from(db.select().from(settings).where(eq(settings.key, key)).get()!.value, "base64url");
}
