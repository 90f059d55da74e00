/**
 * WAL checkpoints on their own thread (issue 4).
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past 1,000 pages, on the
 * thread that commits: it copies those pages into the database file and fsyncs the WAL and the
 * database, while every ack and console frame of the event loop waits. Under load each such fsync
 * took about 11 ms (bench: WAL fsync mean in the sustained phase).
 *
 * Here a worker thread with a second connection to the same file runs a PASSIVE checkpoint every
 * `intervalMs`: it copies what was committed into the database file and syncs it, and never blocks
 * a writer. The gateway's own connection checkpoints only once the WAL holds `connectionPages`
 * (64 MiB by default, instead of SQLite's 4 MiB). It has to do that one itself: SQLite rewinds the
 * WAL to its start only when a writer begins while every page is already copied, which a checkpoint
 * racing a steady stream of commits from another thread rarely leaves behind. By then the thread
 * has copied nearly everything, so that checkpoint is short. (A RESTART checkpoint from the thread
 * instead held the writer back in its busy handler while it synced: at 1,000 presses/s the ack p99
 * went from 113 to 399 ms, bench.)
 *
 * The thread leaves a small WAL alone: it checkpoints once `minPages` committed pages wait to be
 * copied (SQLite's own threshold, 1,000), or when some have waited `maxWaitMs`. It reads that count
 * from the WAL index's header in the -shm file (mxFrame − nBackfill: sqlite.org/walformat.html),
 * a 136-byte read. Checkpointing every 200 ms whatever the WAL held cost each quiet press a
 * synchronous fsync: the first commit after a checkpoint that copied everything rewinds the WAL and
 * syncs its new header on the thread that commits (0.3–0.4 ms per press, strace of the bench's
 * quiet phase). Without the -shm file to read, the thread checkpoints at every interval.
 *
 * If the thread fails or exits, the connection checkpoints itself again, as SQLite does by default.
 * Durability is SQLite's: a checkpoint syncs the WAL before copying and the database after.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import type { Db } from "../db/open";

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

// Plain CommonJS, evaluated in the worker: no loader needed (tsx, vitest and node alike).
const WORKER_SOURCE = `
const { parentPort, workerData: w } = require("node:worker_threads");
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
  if (r.log !== lastLog) parentPort.postMessage({ t: "done", ms: performance.now() - t0, log: r.log, copied: r.checkpointed });
  lastLog = r.log;
};
const timer = setInterval(step, w.intervalMs);
parentPort.postMessage({ t: "ready" });
parentPort.on("message", (m) => {
  if (m !== "close") return;
  clearInterval(timer);
  if (shm !== null) fs.closeSync(shm);
  db.close();
  parentPort.close();
});`;

type FromWorker = { t: "ready" } | { t: "done"; ms: number; log: number; copied: number };

export interface Checkpointer {
  /** The thread (tests end it to see the connection take over); null when nothing was moved. */
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
  if (sqlite.memory || String(sqlite.pragma("journal_mode", { simple: true })).toLowerCase() !== "wal") return { thread: null, close: async () => undefined };
  const workerData = {
    driver: createRequire(import.meta.url).resolve("better-sqlite3"),
    file: sqlite.name, intervalMs: o.intervalMs ?? 200, busyMs: 2_000, minPages: o.minPages ?? 1_000, maxWaitMs: o.maxWaitMs ?? 60_000,
  };
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData, name: "wal checkpoints" });
  worker.unref(); // never what keeps the process alive
  let closing = false;
  const selfCheckpoint = () => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT}`);
  };
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  let gone = false;
  let started = false;
  const ready = new Promise<void>((resolve, reject) => {
    const fail = (err: Error) => {
      reject(err);
      // before it was ready the start says so itself, once (below)
      if (closing || gone || !started) return;
      gone = true;
      selfCheckpoint();
      o.logger.error({ err }, "the WAL checkpoint thread stopped; the database connection checkpoints itself again");
    };
    worker.on("message", (m: FromWorker) => {
      if (m.t === "ready") {
        started = true;
        resolve();
      }
      else o.checkpointed?.(m.ms / 1000, m.log, m.copied);
    });
    worker.once("error", fail);
    worker.once("exit", (code) => fail(new Error(`the WAL checkpoint thread exited (code ${code})`)));
  });
  try {
    await ready;
  } catch (err) {
    o.logger.warn({ err }, "WAL checkpoints stay on the database connection");
    return { thread: null, close: async () => undefined };
  }
  sqlite.pragma(`wal_autocheckpoint = ${o.connectionPages ?? 16_384}`);
  return {
    thread: worker,
    async close() {
      if (closing) return exited;
      closing = true;
      selfCheckpoint();
      worker.postMessage("close");
      return exited;
    },
  };
}
