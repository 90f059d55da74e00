/** The WAL is checkpointed by the worker, not by the committing thread. */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { openDb, type Db } from "../src/db/open";
import { Checkpointer } from "../src/store/checkpointer";

let dir: string | undefined;
let db: Db | undefined;
let cp: Checkpointer | null = null;
afterEach(async () => {
  await cp?.close();
  db?.$client.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  cp = null;
  db = undefined;
});

it("checkpoints the WAL on its worker; the main connection's own checkpoint is only a safety net", async () => {
  dir = mkdtempSync(path.join(tmpdir(), "hk-cp-"));
  db = openDb(dir);
  const done: number[] = [];
  cp = Checkpointer.start(db, { minMs: 50, maxMs: 100 }, { done: (_pages, checkpointed) => done.push(checkpointed), error: (err) => { throw err; } });
  expect(cp).not.toBeNull();
  expect(db.$client.pragma("wal_autocheckpoint", { simple: true })).toBe(100_000);

  // ~2,000 pages of WAL: past SQLite's default of 1,000, so the main connection would have checkpointed
  db.$client.exec("CREATE TABLE blob_test (b BLOB)");
  const insert = db.$client.prepare("INSERT INTO blob_test VALUES (randomblob(4000))");
  for (let i = 0; i < 2_000; i++) insert.run();
  await expect.poll(() => done.some((n) => n >= 2_000), { timeout: 5_000 }).toBe(true);
  // the pages are in the database file now
  expect(statSync(path.join(dir, "helpkey.sqlite")).size).toBeGreaterThan(2_000 * 4_000);
});
