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

it("runs callbacks only after an fsync, in the order they were queued, with fsyncs overlapping", async () => {
  dir = mkdtempSync(path.join(tmpdir(), "hk-wal-"));
  db = openDb(dir);
  const syncs: number[] = [];
  enableWalSync(db, { error: (err) => { throw err; }, synced: (_s, waiters) => syncs.push(waiters) });
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
  expect(syncs.reduce((a, b) => a + b, 0)).toBe(200);
});
