/** The webhooks' and the outbox's group commit: one transaction per turn, one savepoint per job. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, expect, it } from "vitest";
import { openDb, type Db } from "../src/db/open";
import { createTurnEnd } from "../src/store/turn-end";
import { WriteBatch } from "../src/store/write-batch";

let dir: string | undefined;
let db: Db | undefined;
afterEach(() => {
  db?.$client.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function setup() {
  dir = mkdtempSync(path.join(tmpdir(), "hk-batch-"));
  db = openDb(dir);
  db.$client.exec("CREATE TABLE t (v INTEGER)");
  const insert = db.$client.prepare("INSERT INTO t VALUES (?)");
  const values = () => (db!.$client.prepare("SELECT v FROM t ORDER BY v").all() as { v: number }[]).map((r) => r.v);
  return { batch: new WriteBatch(db, createTurnEnd()), insert, values };
}

it("commits every job of a turn together; a job that throws is rolled back alone and its promise rejected", async () => {
  const { batch, insert, values } = setup();
  // another connection sees nothing before the turn's single commit
  const reader = new Database(path.join(dir!, "helpkey.sqlite"), { readonly: true });
  const seen: number[] = [];
  const jobs = [
    batch.run(() => (insert.run(1), seen.push((reader.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n), "one")),
    batch.run(() => {
      insert.run(2);
      throw new Error("bad callback");
    }),
    batch.run(() => (insert.run(3), "three")),
  ];
  expect(values()).toEqual([]); // nothing runs before the turn ends
  const results = await Promise.allSettled(jobs);
  expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  expect(results[0]).toMatchObject({ value: "one" });
  expect(results[1]).toMatchObject({ reason: new Error("bad callback") });
  expect(values()).toEqual([1, 3]);
  expect(seen).toEqual([0]);
  expect(db!.$client.inTransaction).toBe(false);
  reader.close();
});

it("a later turn's jobs get their own transaction", async () => {
  const { batch, insert, values } = setup();
  await batch.run(() => insert.run(1));
  await batch.run(() => insert.run(2));
  expect(values()).toEqual([1, 2]);
});
