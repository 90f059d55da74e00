/** Acks and console frames wait for an fsync of the WAL, and leave in the order they were queued; each database its own syncs. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { openDb, type Db } from "../src/db/open";
import { createWalSync, type Durability } from "../src/store/wal-sync";

const opened: { dir: string; db: Db; durable: Durability }[] = [];
afterEach(() => {
  for (const { dir, db, durable } of opened.splice(0)) {
    durable.close();
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

interface Sync {
  waiters: number;
  start: number;
  end: number;
}

function open() {
  const dir = mkdtempSync(path.join(tmpdir(), "hk-wal-"));
  const db = openDb(dir);
  const syncs: Sync[] = [];
  const durable = createWalSync(db, {
    fatal: (err) => {
      throw err;
    },
    synced: (s, waiters) => {
      const end = performance.now();
      syncs.push({ waiters, start: end - s * 1000, end });
    },
  });
  opened.push({ dir, db, durable });
  db.$client.exec("CREATE TABLE t (v INTEGER)");
  return { db, durable, syncs, insert: db.$client.prepare("INSERT INTO t VALUES (?)") };
}

it("runs callbacks only after an fsync, in the order they were queued, one fsync at a time for all that wait", async () => {
  const { db, durable, syncs, insert } = open();
  expect(db.$client.pragma("synchronous", { simple: true })).toBe(1); // NORMAL: commits no longer fsync themselves

  const order: number[] = [];
  const all: Promise<void>[] = [];
  for (let i = 0; i < 200; i++) {
    insert.run(i);
    all.push(new Promise((resolve) => durable.after(() => { order.push(i); resolve(); })));
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

it("two databases in one process: each one's callbacks are released by its own syncs only", async () => {
  const a = open();
  const b = open();
  const before = { a: a.syncs.length, b: b.syncs.length };
  a.insert.run(1);
  await new Promise<void>((resolve) => a.durable.after(resolve));
  // a's callback was released by a sync of a's WAL; b, with nothing waiting, did not sync
  expect(a.syncs.length).toBeGreaterThan(before.a);
  expect(b.syncs.length).toBe(before.b);

  b.insert.run(2);
  const waiting = a.syncs.length;
  await new Promise<void>((resolve) => b.durable.after(resolve));
  expect(b.syncs.reduce((n, s) => n + s.waiters, 0)).toBe(1);
  expect(a.syncs.length).toBe(waiting);
});
