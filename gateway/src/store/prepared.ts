/**
 * Statements prepared once per database. A drizzle query builder call builds its SQL, asks SQLite
 * to prepare it and maps the result on every call, which under load costs more than the queries
 * themselves. Prepared drizzle queries with placeholders keep the typed rows and build it once.
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
