/**
 * What abuse must not change in the store: the number of alerts, presses, devices and households,
 * and a digest of the registry (who lives where, who is called, who may log in, the settings).
 * Rows that live traffic changes on purpose (a device's last status, its silence timer) are left
 * out of the digest; a household whose device a test presses on purpose can be left out of the counts.
 */
import { createHash } from "node:crypto";
import type { Db } from "@helpkey/gateway/db/open";

/** Registry tables and the columns of each that only an administrator changes ("*": all). */
const REGISTRY: Record<string, string> = {
  districts: "*",
  communities: "*",
  buildings: "*",
  units: "*",
  households: "*",
  residents: "*",
  contacts: "*",
  devices: "id, household_id, type, secret_hash, revoked_at, maintenance_at, secret_issued_at, supervision_s, created_at",
  help_groups: "*",
  help_group_members: "*",
  users: "*",
  user_communities: "*",
  patrol_members: "*",
  grids: "*",
  grid_workers: "*",
  settings: "*",
};

export interface Fingerprint {
  counts: { alerts: number; presses: number; devices: number; households: number };
  registry: string;
}

/** `except`: households whose devices a test presses on purpose, left out of the alert and press counts. */
export function fingerprint(db: Db["$client"], except: { householdIds?: number[] } = {}): Fingerprint {
  const count = (sql: string) => (db.prepare(sql).get(...households) as { n: number }).n;
  const households = except.householdIds ?? [];
  const none = `(${households.map(() => "?").join(",") || "NULL"})`;
  const digest = createHash("sha256");
  for (const [table, columns] of Object.entries(REGISTRY)) {
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
    if (!exists) continue;
    digest.update(`${table}\n${JSON.stringify(db.prepare(`SELECT ${columns} FROM ${table} ORDER BY rowid`).raw().all())}\n`);
  }
  return {
    counts: {
      alerts: count(`SELECT count(*) AS n FROM alerts WHERE household_id NOT IN ${none}`),
      presses: count(`SELECT count(*) AS n FROM presses WHERE device_id NOT IN (SELECT id FROM devices WHERE household_id IN ${none})`),
      devices: (db.prepare("SELECT count(*) AS n FROM devices").get() as { n: number }).n,
      households: (db.prepare("SELECT count(*) AS n FROM households").get() as { n: number }).n,
    },
    registry: digest.digest("hex"),
  };
}
