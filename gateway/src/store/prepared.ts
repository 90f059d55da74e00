/**
 * Statements prepared once per database (issue 4). A drizzle query builder call builds its SQL,
 * asks SQLite to prepare it and maps the result on every call: in the bench profile that was
 * about a third of the event loop under load, more than the queries themselves. Prepared drizzle
 * queries with placeholders keep the typed rows and build everything only once.
 */
import type { Db } from "../db/open";

const caches = new WeakMap<Db, Map<string, unknown>>();

/** The statement named `key` for `db`, made by `make` the first time. */
export function prepared<T>(db: Db, key: string, make: () => T): T {
  let m = caches.get(db);
  if (!m) caches.set(db, (m = new Map()));
  let s = m.get(key) as T | undefined;
  if (s === undefined) {
    s = make();
    m.set(key, s);
  }
  return s;
}
