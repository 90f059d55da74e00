/**
 * WAL checkpoints on their own thread.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past 1,000 pages, on the
 * thread that commits: it copies those pages into the database file and fsyncs the WAL and the
 * database, while every ack and console frame of the event loop waits.
 *
 * Here a worker thread (threads/worker-host.ts) with a second connection to the same file runs a
 * PASSIVE checkpoint every `intervalMs`: it copies what was committed into the database file and
 * syncs it, and never blocks a writer. The gateway's own connection checkpoints only once the WAL
 * holds `connectionPages` (64 MiB by default, instead of SQLite's 4 MiB). It has to do that one
 * itself: SQLite rewinds the WAL to its start only when a writer begins while every page is already
 * copied, which a checkpoint racing a steady stream of commits from another thread rarely leaves
 * behind. By then the thread has copied nearly everything, so that checkpoint is short. (A RESTART
 * checkpoint from the thread would instead hold the writer in its busy handler while it syncs.)
 *
 * The thread leaves a small WAL alone: it checkpoints once `minPages` committed pages wait to be
 * copied (SQLite's own threshold, 1,000), or when some have waited `maxWaitMs`. It reads that count
 * from the WAL index's header in the -shm file (mxFrame − nBackfill: sqlite.org/walformat.html),
 * a 136-byte read. A checkpoint that copies everything makes the next commit rewind the WAL and
 * sync its new header on the thread that commits, so checkpointing a quiet WAL at every interval
 * would cost each quiet press a synchronous fsync. Without the -shm file to read, the thread
 * checkpoints at every interval.
 *
 * While the thread is gone (it is started again after a short delay) the connection checkpoints
 * itself, as SQLite does by default. Durability is SQLite's: a checkpoint syncs the WAL before
 * copying and the database after.
 */
import { createRequire } from "node:module";
import type { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import type { Db } from "../db/open";
import { startWorker } from "../threads/worker-host";

export interface CheckpointerOptions {
  logger: Logger;
  /** One checkpoint by the thread done: seconds it took, pages in the WAL, pages copied so far. */
  checkpointed?(seconds: number, walPages: number, copiedPages: number): void;
  intervalMs?: number;
  connectionPages?: number;
  /** The thread checkpoints once this many committed pages wait in the WAL (default 1,000) … */
  minPages?: number;
  /** … or once some have waited this long (default 60 s). */
  maxWaitMs?: number;
}

/** SQLite's own default threshold, restored when the thread is gone. */
const SQLITE_AUTOCHECKPOINT = 1000;

// Evaluated in the worker as plain CommonJS (threads/worker-host.ts).
const WORKER_BODY = `
const w = side.data;
const Database = require(w.driver);
const fs = require("node:fs");
const db = new Database(w.file, { fileMustExist: true });
db.pragma("busy_timeout = " + w.busyMs);
let lastLog = 0;
// the WAL index header (sqlite.org/walformat.html): mxFrame at 16, nBackfill at 96, native byte order
const index = Buffer.alloc(136);
const u32 = require("node:os").endianness() === "LE" ? (at) => index.readUInt32LE(at) : (at) => index.readUInt32BE(at);
let shm = null;
try { shm = fs.openSync(w.file + "-shm", "r"); } catch {}
const waiting = () => {
  if (shm === null || fs.readSync(shm, index, 0, 136, 0) < 136) return Infinity;
  return Math.max(0, u32(16) - u32(96));
};
let waitingSince = 0;
const step = () => {
  const pages = waiting();
  if (pages === 0) return void (waitingSince = 0);
  const now = Date.now();
  if (waitingSince === 0) waitingSince = now;
  if (pages < w.minPages && now - waitingSince < w.maxWaitMs) return;
  waitingSince = 0;
  const t0 = performance.now();
  const [r] = db.pragma("wal_checkpoint(PASSIVE)");
  if (r.log !== lastLog) side.emit({ ms: performance.now() - t0, log: r.log, copied: r.checkpointed });
  lastLog = r.log;
};
const timer = setInterval(step, w.intervalMs);
side.onClose(() => {
  clearInterval(timer);
  if (shm !== null) fs.closeSync(shm);
  db.close();
});`;

/** One checkpoint done by the thread. */
interface Checkpointed {
  ms: number;
  log: number;
  copied: number;
}

/** A checkpoint under way when the thread is closed gets this long to finish. */
const CLOSE_GRACE_MS = 5_000;

export interface Checkpointer {
  /** The running thread (tests end it to see the connection take over); null when there is none. */
  readonly thread: Worker | null;
  /** Stops the thread (the connection checkpoints itself again); resolves once it has exited. */
  close(): Promise<void>;
}

/**
 * Moves `db`'s checkpoints to a thread. Without a WAL (an in-memory database, another journal mode)
 * it changes nothing.
 */
export async function startCheckpointer(db: Db, o: CheckpointerOptions): Promise<Checkpointer> {
  const sqlite = db.$client;
  const none: Checkpointer = { thread: null, close: async () => undefined };
  if (sqlite.memory || String(sqlite.pragma("journal_mode", { simple: true })).toLowerCase() !== "wal") return none;
  const data = {
    driver: createRequire(import.meta.url).resolve("better-sqlite3"),
    file: sqlite.name, intervalMs: o.intervalMs ?? 200, busyMs: 2_000, minPages: o.minPages ?? 1_000, maxWaitMs: o.maxWaitMs ?? 60_000,
  };
  const setLimit = (pages: number) => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${pages}`);
  };
  const host = startWorker({
    name: "wal checkpoints", body: { code: WORKER_BODY }, data, closeGraceMs: CLOSE_GRACE_MS, logger: o.logger,
    onEvent: (e) => {
      const m = e as Checkpointed;
      o.checkpointed?.(m.ms / 1000, m.log, m.copied);
    },
    // while the thread is gone (until it is started again) the connection checkpoints itself
    onStart: () => setLimit(o.connectionPages ?? 16_384),
    onExit: () => {
      setLimit(SQLITE_AUTOCHECKPOINT);
      o.logger.warn("the database connection checkpoints itself until the WAL checkpoint thread runs again");
    },
  });
  try {
    await host.started;
  } catch (err) {
    o.logger.warn({ err }, "WAL checkpoints stay on the database connection");
    return none;
  }
  return {
    get thread() {
      return host.worker;
    },
    async close() {
      setLimit(SQLITE_AUTOCHECKPOINT);
      await host.close();
    },
  };
}
