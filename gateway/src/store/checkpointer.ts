/**
 * WAL checkpoints on their own thread (issue 4).
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past 1,000 pages, on the
 * thread that commits: it copies those pages into the database file and fsyncs the WAL and the
 * database, while every ack and console frame of the event loop waits. Under load each such fsync
 * took about 11 ms (bench: WAL fsync mean in the sustained phase).
 *
 * Here the gateway's own connection never checkpoints (`wal_autocheckpoint = 0`). A worker thread
 * with a second connection to the same file runs a PASSIVE checkpoint every `intervalMs`: it copies
 * what was committed and never blocks a writer. A passive checkpoint racing a steady stream of
 * commits rarely catches the WAL fully copied at the moment a writer starts, which is when SQLite
 * rewinds the WAL to its start; so once the WAL holds `restartFrames` pages, the worker runs a
 * RESTART checkpoint instead, which holds writers back (they wait in their busy handler) for the
 * few pages left, then lets the next commit rewind the file.
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
  /** One checkpoint done: seconds it took, pages in the WAL, pages copied so far, whether it was a RESTART. */
  checkpointed?(seconds: number, walPages: number, copiedPages: number, restart: boolean): void;
  intervalMs?: number;
  restartFrames?: number;
}

/** SQLite's own default threshold, restored when the thread is gone. */
const SQLITE_AUTOCHECKPOINT = 1000;

// Plain CommonJS, evaluated in the worker: no loader needed (tsx, vitest and node alike).
const WORKER_SOURCE = `
const { parentPort, workerData: w } = require("node:worker_threads");
const Database = require(w.driver);
const db = new Database(w.file, { fileMustExist: true });
db.pragma("busy_timeout = " + w.busyMs);
let lastLog = 0;
let restartedAt = -1;
const run = (mode) => {
  const t0 = performance.now();
  const [r] = db.pragma("wal_checkpoint(" + mode + ")");
  if (r.log !== lastLog || mode === "RESTART") parentPort.postMessage({ t: "done", ms: performance.now() - t0, log: r.log, copied: r.checkpointed, restart: mode === "RESTART" });
  lastLog = r.log;
  return r;
};
const step = () => {
  const r = run("PASSIVE");
  // once per WAL that grew past the limit (an idle WAL stays as it is until the next commit rewinds it)
  if (r.log >= w.restartFrames && r.log !== restartedAt) restartedAt = run("RESTART").log;
};
const timer = setInterval(step, w.intervalMs);
parentPort.postMessage({ t: "ready" });
parentPort.on("message", (m) => {
  if (m !== "close") return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});`;

type FromWorker = { t: "ready" } | { t: "done"; ms: number; log: number; copied: number; restart: boolean };

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
    file: sqlite.name, intervalMs: o.intervalMs ?? 200, restartFrames: o.restartFrames ?? 4096, busyMs: 2_000,
  };
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData, name: "wal checkpoints" });
  worker.unref(); // never what keeps the process alive
  let closing = false;
  const selfCheckpoint = () => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT}`);
  };
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  let gone = false;
  const ready = new Promise<void>((resolve, reject) => {
    const fail = (err: Error) => {
      reject(err);
      if (closing || gone) return;
      gone = true;
      selfCheckpoint();
      o.logger.error({ err }, "the WAL checkpoint thread stopped; the database connection checkpoints itself again");
    };
    worker.on("message", (m: FromWorker) => {
      if (m.t === "ready") resolve();
      else o.checkpointed?.(m.ms / 1000, m.log, m.copied, m.restart);
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
  sqlite.pragma("wal_autocheckpoint = 0");
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
