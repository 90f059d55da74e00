/** Acks and console frames wait for an fsync of the WAL, and leave in the order they were queued. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { openDb, type Db } from "../src/db/open";
import { afterDurable, enableWalSync } from "../src/store/wal-sync";

let dir: string | undefined;
let db: Db | undefined;
afterEach(() => {
  db?.$client.close();
  afterDurable(() => undefined); // lets wal-sync forget the closed database
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("runs callbacks only after an fsync, in the order they were queued, one fsync at a time for all that wait", async () => {
  dir = mkdtempSync(path.join(tmpdir(), "hk-wal-"));
  db = openDb(dir);
  const syncs: { waiters: number; start: number; end: number }[] = [];
  enableWalSync(db, { fatal: (err) => { throw err; }, synced: (s, waiters) => { const end = performance.now(); syncs.push({ waiters, start: end - s * 1000, end }); } });
  expect(db.$client.pragma("synchronous", { simple: true })).toBe(1); // NORMAL: commits no longer fsync themselves

  db.$client.exec("CREATE TABLE t (v INTEGER)");
  const insert = db.$client.prepare("INSERT INTO t VALUES (?)");
  const order: number[] = [];
  const all: Promise<void>[] = [];
  for (let i = 0; i < 200; i++) {
    insert.run(i);
    all.push(new Promise((resolve) => afterDurable(() => { order.push(i); resolve(); })));
    if (i === 0) expect(order).toEqual([]); // never at once: only after an fsync
    if (i % 20 === 0) await new Promise((r) => setImmediate(r)); // let some fsyncs finish between commits
  }
  await Promise.all(all);
  expect(order).toEqual([...Array(200).keys()]);
  // grouped: far fewer fsyncs than callbacks, and every callback released by one
  expect(syncs.length).toBeLessThan(200);
  expect(syncs.reduce((a, b) => a + b.waiters, 0)).toBe(200);
  // one at a time: each fsync started after the one before it ended
  for (let i = 1; i < syncs.length; i++) expect(syncs[i]!.start).toBeGreaterThanOrEqual(syncs[i - 1]!.end);
});
