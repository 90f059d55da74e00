/**
 * The group commit both batching writers share (ingest/ingest.ts, store/write-batch.ts): every item
 * in one IMMEDIATE transaction, each in its own savepoint, so one item's error rolls back that
 * item only. Throws when the commit itself fails (disk full, I/O): then nothing is stored.
 */
import type { Db } from "../db/open";

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export function commitEach<I, R>(db: Db, items: readonly I[], each: (item: I) => R): Outcome<R>[] {
  const sqlite = db.$client;
  const one = sqlite.transaction(each); // nested: a savepoint
  const out: Outcome<R>[] = [];
  sqlite.transaction(() => {
    for (const item of items) {
      try {
        out.push({ ok: true, value: one(item) });
      } catch (error) {
        out.push({ ok: false, error });
      }
    }
  }).immediate();
  return out;
}
