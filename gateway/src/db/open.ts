/** Opens the SQLite database under the data dir, durable settings first, then migrations. */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const MIGRATIONS = fileURLToPath(new URL("../../drizzle", import.meta.url));

export function openDb(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const sqlite = new Database(path.join(dataDir, "helpkey.sqlite"));
  sqlite.pragma("journal_mode = WAL");
  // FULL: every commit durable when it returns. A system switches to NORMAL plus one off-loop WAL
  // fsync per batch right after opening (store/wal-sync.ts, system.ts), and its acks and console
  // frames wait for that fsync, so "received" still means durable.
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  // 64 MiB of page cache instead of SQLite's 2 MiB: a storm's inserts land at random places in the
  // per-household and per-device indexes (alerts, presses, devices), and with the default cache
  // most of them read their pages back from the OS first.
  sqlite.pragma("cache_size = -65536");
  sqlite.pragma("busy_timeout = 5000");
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: MIGRATIONS });
  return db;
}
