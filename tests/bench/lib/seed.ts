/**
 * Bench-only provisioning: N households, each with one resident, one contact and one help button,
 * written through the gateway's own schema and migrations (drizzle) in one transaction. The API
 * would do the same one device at a time; 19,000 round trips plus a slow hash each is only slower,
 * not different. Secrets are hashed exactly as the gateway hashes device secrets (hashDeviceSecret),
 * in parallel, and the finished database is kept as a template keyed by everything that shapes it.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDb } from "@helpkey/gateway/db/open";
import { buildings, communities, contacts, devices, households, residents, units } from "@helpkey/gateway/db/schema";
import { hashDeviceSecret } from "@helpkey/gateway/devices/secret-hash";
import { fleetContactPhone, fleetDeviceId, fleetSecret } from "@helpkey/firmware-sim/fleet/credentials";

const PER_COMMUNITY = 5000;
const PER_BUILDING = 100;
const PER_UNIT = 10;
const DB_FILE = "helpkey.sqlite";

function templateKey(root: string, count: number): string {
  const h = createHash("sha256");
  for (const f of ["gateway/src/devices/secret-hash.ts", "gateway/drizzle/meta/_journal.json", "gateway/src/db/schema.ts", "tests/bench/lib/seed.ts", "firmware-sim/src/fleet/credentials.ts"]) {
    h.update(readFileSync(path.join(root, f)));
  }
  return `${count}-${h.update(String(count)).digest("hex").slice(0, 12)}`;
}

async function hashAll(count: number, onProgress: (done: number) => void): Promise<string[]> {
  const out = new Array<string>(count);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await hashDeviceSecret(fleetSecret(i));
      if (++done % 500 === 0) onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return out;
}

function build(dataDir: string, hashes: string[]): void {
  const db = openDb(dataDir);
  const now = Date.now();
  db.$client.transaction(() => {
    let communityId = 0;
    let buildingId = 0;
    let unitId = 0;
    for (let i = 0; i < hashes.length; i++) {
      if (i % PER_COMMUNITY === 0) {
        communityId = db.insert(communities).values({ name: `Bench community ${i / PER_COMMUNITY + 1}`, language: "en", createdAt: now }).returning({ id: communities.id }).get().id;
      }
      if (i % PER_BUILDING === 0) buildingId = db.insert(buildings).values({ communityId, name: `B${Math.floor(i / PER_BUILDING) + 1}`, createdAt: now }).returning({ id: buildings.id }).get().id;
      if (i % PER_UNIT === 0) unitId = db.insert(units).values({ buildingId, name: `U${Math.floor(i / PER_UNIT) + 1}`, createdAt: now }).returning({ id: units.id }).get().id;
      const householdId = db.insert(households).values({ unitId, room: String(100 + (i % PER_UNIT)), createdAt: now }).returning({ id: households.id }).get().id;
      db.insert(residents).values({ householdId, name: `Resident ${i}`, language: "en", createdAt: now }).run();
      db.insert(contacts).values({ householdId, name: `Contact ${i}`, phone: fleetContactPhone(i), relation: "family", priority: 1, language: "en", createdAt: now }).run();
      db.insert(devices).values({ id: fleetDeviceId(i), householdId, type: "button", secretHash: hashes[i]!, createdAt: now }).run();
    }
  })();
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  db.$client.close();
}

/** Puts a database with `count` bench devices into `dataDir` (from the template cache when it exists). */
export async function seedDatabase(root: string, dataDir: string, count: number, log: (s: string) => void): Promise<{ cached: boolean; ms: number }> {
  const t0 = performance.now();
  const cacheDir = path.join(tmpdir(), "helpkey-bench-cache");
  const template = path.join(cacheDir, `${templateKey(root, count)}.sqlite`);
  mkdirSync(dataDir, { recursive: true });
  if (existsSync(template)) {
    copyFileSync(template, path.join(dataDir, DB_FILE));
    return { cached: true, ms: performance.now() - t0 };
  }
  log(`seeding ${count} households/devices (hashing ${count} secrets; kept as a template for the next run)…`);
  const hashes = await hashAll(count, (n) => log(`  hashed ${n}/${count}`));
  const work = path.join(cacheDir, `build-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  build(work, hashes);
  mkdirSync(cacheDir, { recursive: true });
  renameSync(path.join(work, DB_FILE), template);
  rmSync(work, { recursive: true, force: true });
  copyFileSync(template, path.join(dataDir, DB_FILE));
  return { cached: false, ms: performance.now() - t0 };
}

/**
 * Between scenarios: every open alert is closed as a test and its unsent notifications are
 * cancelled, so the storm starts from a quiet district (a press then opens a new alert instead of
 * joining one). Plain SQL through a second connection beside the running server (WAL: one writer
 * at a time, the busy timeout waits for the server's), so no restart is needed for it.
 */
export async function closeAllAlerts(dataDir: string): Promise<{ alerts: number; notifications: number }> {
  const db = openDb(dataDir).$client;
  try {
    const now = Date.now();
    return db.transaction(() => {
      const a = db.prepare("UPDATE alerts SET state = 'resolved', outcome = 'test', closed_at = ?, cascade_due_at = NULL WHERE state NOT IN ('resolved', 'cancelled')").run(now).changes;
      const n = db.prepare("UPDATE notifications SET status = 'cancelled', updated_at = ? WHERE status IN ('queued', 'sending')").run(now).changes;
      return { alerts: a, notifications: n };
    })();
  } finally {
    db.close();
  }
}

/** Counts for the storm's lost/duplicate check, read from the database file (a second connection; WAL lets it read beside the server). */
export async function alertCounts(dataDir: string, sinceMs: number): Promise<{ perHousehold: Map<number, number>; pressRows: number }> {
  const db = openDb(dataDir).$client;
  try {
    const rows = db.prepare("SELECT household_id AS h, count(*) AS c FROM alerts WHERE first_press_at >= ? GROUP BY household_id").all(sinceMs) as { h: number; c: number }[];
    const presses = db.prepare("SELECT count(*) AS c FROM presses WHERE received_at >= ?").get(sinceMs) as { c: number };
    return { perHousehold: new Map(rows.map((r) => [r.h, r.c])), pressRows: presses.c };
  } finally {
    db.close();
  }
}
