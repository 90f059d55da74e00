/**
 * The online backup of db/backup.ts against a database that another connection keeps writing:
 * SQLite starts such a backup over at every write between its steps, and the copy still ends, whole.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, expect, it } from "vitest";
import { backupDatabase, databaseInUse, DB_FILE } from "../src/db/backup";
import { openDb } from "../src/db/open";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

it("finishes a backup of a database written to all along, and the copy is consistent", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "hk-backup-unit-"));
  dirs.push(dir);
  openDb(dir).$client.close();
  // a writer of its own, as the gateway is: ~16 MB of events (far more pages than one backup step)
  const writer = new Database(path.join(dir, DB_FILE));
  writer.pragma("journal_mode = WAL");
  const insert = writer.prepare("INSERT INTO events (community_id, type, data, at) VALUES (1, 'test', ?, ?)");
  writer.transaction(() => {
    for (let i = 0; i < 4_000; i++) insert.run("x".repeat(4_000), i);
  })();
  expect(databaseInUse(path.join(dir, DB_FILE))).toBe(true);

  let writes = 0;
  const busy = setInterval(() => {
    insert.run("y", 1_000_000 + writes++);
  }, 1);
  let restarts = 0;
  const target = path.join(dir, "copy.sqlite");
  try {
    const r = await backupDatabase(dir, target, (p) => (restarts = p.restarts));
    expect(r.restarts).toBeGreaterThanOrEqual(3);
    expect(r.events).toBeGreaterThanOrEqual(4_000);
  } finally {
    clearInterval(busy);
    writer.close();
  }
  expect(restarts).toBeGreaterThanOrEqual(3);
  expect(writes).toBeGreaterThan(0);
  const copy = new Database(target, { readonly: true });
  expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
  copy.close();
  expect(databaseInUse(path.join(dir, DB_FILE))).toBe(false);
});
