/**
 * Backups of the database, safe while the gateway runs, and their restore while it does not.
 * A backup is SQLite's online backup API (better-sqlite3's `db.backup`) from a read-only
 * connection: it never writes to the live database and copies one consistent state of it, written
 * to a temporary file and renamed when complete, so that a backup file is never half a backup.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

export const DB_FILE = "helpkey.sqlite";
const SIDE_FILES = ["-wal", "-shm"];

export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
  /** Times the copy started over because the gateway wrote meanwhile. */
  restarts: number;
}

export interface BackupResult {
  bytes: number;
  pages: number;
  restarts: number;
  /** Rows in the copy, for the operator to compare. */
  alerts: number;
  events: number;
}

/** Pages a step copies while the copy may still start over; 4 MiB at SQLite's 4 KiB pages. */
const PAGES_PER_STEP = 1_024;
/** After this many restarts the rest is copied in one step, under one read transaction, so it ends. */
const RESTARTS_BEFORE_ONE_STEP = 3;

export class BackupError extends Error {}

/** The database of a data directory; refuses a directory without one. */
export function databaseOf(dataDir: string): string {
  const file = path.join(dataDir, DB_FILE);
  if (!existsSync(file)) throw new BackupError(`no database in ${dataDir} (${DB_FILE} not found): is this the data directory (HK_DATA_DIR)?`);
  return file;
}

/**
 * Copies the database of `dataDir` to `target`. SQLite starts an online backup over when another
 * connection writes between its steps; a busy gateway writes all the time, so after a few restarts
 * the rest is copied in one step.
 */
export async function backupDatabase(dataDir: string, target: string, onProgress: (p: BackupProgress) => void): Promise<BackupResult> {
  const source = new Database(databaseOf(dataDir), { readonly: true, fileMustExist: true });
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  let restarts = 0;
  let lastRemaining = Infinity;
  try {
    const done = await source.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        if (remainingPages > lastRemaining) restarts++;
        lastRemaining = remainingPages;
        onProgress({ totalPages, remainingPages, restarts });
        return restarts >= RESTARTS_BEFORE_ONE_STEP ? Math.max(totalPages, 1) : PAGES_PER_STEP;
      },
    });
    const counts = check(partial);
    syncFile(partial);
    renameSync(partial, target);
    return { bytes: statSync(target).size, pages: done.totalPages, restarts, ...counts };
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    source.close();
  }
}

/** A database file that passes SQLite's own check and has helpkey's tables; its row counts. */
function check(file: string): { alerts: number; events: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const result = db.pragma("quick_check", { simple: true });
    if (result !== "ok") throw new BackupError(`${file} fails SQLite's quick_check: ${String(result)}`);
    const has = (t: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t) !== undefined;
    if (!has("alerts") || !has("events") || !has("__drizzle_migrations")) throw new BackupError(`${file} is an SQLite database, but not helpkey's (no alerts, events or migrations table)`);
    const count = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    return { alerts: count("alerts"), events: count("events") };
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${file} is not a readable helpkey database (${(err as Error).message})`);
  } finally {
    db.close();
  }
}

/**
 * True while another connection (the gateway) has the database open: it holds a shared lock for
 * as long as it is open, so an exclusive lock is refused at once.
 */
export function databaseInUse(file: string): boolean {
  if (!existsSync(file)) return false;
  const db = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
    db.exec("COMMIT");
    return false;
  } catch (err) {
    if ((err as { code?: string }).code === "SQLITE_BUSY") return true;
    throw err;
  } finally {
    db.close();
  }
}

/**
 * Puts `backup` in place as the database of `dataDir` (made if missing). A database already there
 * is kept beside it as `helpkey.sqlite.before-restore-<time>` (with its -wal and -shm files);
 * `replace` must say that this is meant. Refused while a gateway has the database open.
 */
export async function restoreDatabase(backup: string, dataDir: string, o: { replace: boolean; now: Date }): Promise<{ replaced: string | null; alerts: number; events: number }> {
  if (!existsSync(backup)) throw new BackupError(`${backup} not found`);
  const counts = check(backup);
  const live = path.join(dataDir, DB_FILE);
  if (databaseInUse(live)) throw new BackupError(`a gateway has ${live} open: stop helpkey first (systemctl stop helpkey), then restore`);
  const present = existsSync(live);
  if (present && !o.replace) throw new UsageRefusal(`${live} exists: add --force to replace it (it is kept as ${DB_FILE}.before-restore-…)`);
  const incoming = `${live}.restoring`;
  rmSync(incoming, { force: true });
  mkdirSync(dataDir, { recursive: true });
  // copied through SQLite, so that a backup file with a -wal beside it comes whole
  const src = new Database(backup, { readonly: true, fileMustExist: true });
  try {
    await src.backup(incoming);
  } finally {
    src.close();
  }
  syncFile(incoming);
  let replaced: string | null = null;
  if (present) {
    replaced = `${live}.before-restore-${o.now.toISOString().replace(/[:.]/g, "-")}`;
    renameSync(live, replaced);
    for (const side of SIDE_FILES) if (existsSync(live + side)) renameSync(live + side, replaced + side);
  }
  renameSync(incoming, live);
  syncFile(dataDir);
  return { replaced, ...counts };
}

/** A refusal that is the caller's to fix by asking differently (exit 2), not a failure. */
export class UsageRefusal extends BackupError {}

function syncFile(file: string): void {
  const fd = openSync(file, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
