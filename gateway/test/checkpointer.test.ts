/** WAL checkpoints run on their own thread; the connection takes over when the thread is gone. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterEach, expect, it } from "vitest";
import { openDb, type Db } from "../src/db/open";
import { startCheckpointer, type Checkpointer } from "../src/store/checkpointer";

let dir: string | undefined;
let db: Db | undefined;
let cp: Checkpointer | undefined;
afterEach(async () => {
  await cp?.close();
  db?.$client.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const autocheckpoint = (d: Db) => d.$client.pragma("wal_autocheckpoint", { simple: true });
const walPages = (d: Db) => (d.$client.pragma("wal_checkpoint(NOOP)") as { log: number }[])[0]!.log;

function setup() {
  dir = mkdtempSync(path.join(tmpdir(), "hk-ckpt-"));
  db = openDb(dir);
  db.$client.exec("CREATE TABLE t (v TEXT)");
  return { db, insert: db.$client.prepare("INSERT INTO t VALUES (?)") };
}

it("copies the WAL on its thread and keeps it bounded under a steady stream of commits", async () => {
  const { db, insert } = setup();
  const seen: { pages: number; copied: number }[] = [];
  cp = await startCheckpointer(db, { logger: pino({ level: "silent" }), intervalMs: 10, connectionPages: 64, minPages: 1, checkpointed: (_s, pages, copied) => seen.push({ pages, copied }) });
  expect(autocheckpoint(db)).toBe(64);
  const row = "x".repeat(3000); // about one page per commit
  const copies = () => seen.filter((s) => s.copied > 0).length;
  let commits = 0;
  // commit on (yielding so the thread's checkpoints come in) until far more pages than the limit went
  // through the WAL and the thread has done the copying many times over
  while ((commits < 600 || copies() <= 10) && commits < 1_000_000) {
    insert.run(row);
    commits++;
    if (commits % 5 === 0) await new Promise((r) => setImmediate(r));
  }
  expect(copies()).toBeGreaterThan(10);
  // the connection's own checkpoint at the limit lets SQLite rewind the WAL: it never held much more
  expect(Math.max(...seen.map((s) => s.pages))).toBeLessThan(64 * 4);
  expect(walPages(db)).toBeLessThan(64 * 4);
  expect((db.$client.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n).toBe(commits);
  await cp.close();
  expect(autocheckpoint(db)).toBe(1000); // SQLite's default again
});

it("leaves a small WAL alone until enough pages wait, so a quiet commit does not rewind the WAL (and sync its header)", async () => {
  const { db, insert } = setup();
  db.$client.pragma("wal_checkpoint(TRUNCATE)"); // the migrations' pages out of the way
  const seen: { pages: number; at: number }[] = [];
  // the barrier is maxWaitMs: the first checkpoint of the small WAL comes only once it has waited that long,
  // so every interval before it left the WAL alone
  cp = await startCheckpointer(db, { logger: pino({ level: "silent" }), intervalMs: 10, minPages: 40, maxWaitMs: 400, checkpointed: (_s, pages) => seen.push({ pages, at: Date.now() }) });
  const row = "x".repeat(3000); // about one page per commit
  const t0 = Date.now();
  for (let i = 0; i < 10; i++) insert.run(row);
  const before = walPages(db);
  expect(before).toBeGreaterThanOrEqual(10);
  insert.run(row); // not the first commit after a full checkpoint: the WAL grows on, no rewind
  expect(walPages(db)).toBeGreaterThan(before);
  while (seen.length === 0) await new Promise((r) => setTimeout(r, 10));
  expect(seen[0]!.pages).toBeLessThan(40);
  expect(seen[0]!.at - t0).toBeGreaterThanOrEqual(390); // never earlier: a lower bound, not a speed limit

  // enough pages: checkpointed without waiting out maxWaitMs again
  for (let i = 0; i < 40; i++) insert.run(row);
  while (seen.length === 1) await new Promise((r) => setTimeout(r, 10));
  expect(seen[1]!.pages).toBeGreaterThanOrEqual(40);
});

it("checkpoints a small WAL once its pages have waited maxWaitMs", async () => {
  const { db, insert } = setup();
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  const seen: number[] = [];
  cp = await startCheckpointer(db, { logger: pino({ level: "silent" }), intervalMs: 10, minPages: 1_000, maxWaitMs: 100, checkpointed: (_s, pages) => seen.push(pages) });
  insert.run("x".repeat(3000));
  const t0 = Date.now();
  while (seen.length === 0 && Date.now() - t0 < 5_000) await new Promise((r) => setTimeout(r, 10));
  expect(seen.length).toBe(1);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
});

it("gives checkpoints back to the connection while the thread is gone, and takes them again when it is started again", async () => {
  const { db } = setup();
  const warnings: string[] = [];
  const logger = pino({ level: "warn" }, { write: (line: string) => void warnings.push(JSON.parse(line).msg) });
  cp = await startCheckpointer(db, { logger });
  expect(autocheckpoint(db)).toBe(16_384);
  const first = cp.thread!;
  const exited = new Promise((r) => first.once("exit", r));
  await first.terminate();
  await exited;
  expect(cp.thread).toBeNull();
  expect(autocheckpoint(db)).toBe(1000); // SQLite's own default while there is no thread
  expect(warnings).toContain("the database connection checkpoints itself until the WAL checkpoint thread runs again");
  const deadline = Date.now() + 10_000;
  while (autocheckpoint(db) !== 16_384 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(autocheckpoint(db)).toBe(16_384);
  expect(cp.thread).not.toBe(first);
  await cp.close();
  expect(autocheckpoint(db)).toBe(1000);
});
