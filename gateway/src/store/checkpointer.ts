/**
 * WAL checkpoints off the event loop (issue 4).
 *
 * SQLite copies the WAL back into the database file (a checkpoint) inside whichever COMMIT pushes
 * the WAL past `wal_autocheckpoint` pages, on the committing thread: thousands of page writes and
 * an fsync of the database file. Under a storm that was the event loop's longest stalls, and every
 * ack waited behind them. Here a worker thread with its own connection runs a PASSIVE checkpoint
 * (it never blocks a writer) every `minMs`…`maxMs`, sooner the more the WAL grew; the main
 * connection's automatic checkpoint moves up to a safety net that only a stalled worker would reach.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Db } from "../db/open";

/**
 * The main connection checkpoints by itself only past this many WAL pages (~400 MB): only if the
 * worker stalls. At 16,000 pages (~64 MB) the storm's WAL reached it while the worker was still
 * copying, and the commit that crossed it checkpointed 64 MB on the event loop (bench: the WAL sizes
 * the worker saw stopped just under 16,000, and the event loop stalled for 2.9 s).
 */
const SAFETY_NET_PAGES = 100_000;
/** After a checkpoint resets the WAL, its file is cut back to this size (bytes). */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

// Plain CommonJS evaluated in the worker (no loader needed); better-sqlite3 by its resolved path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 1000");
db.pragma("synchronous = NORMAL");
// Adaptive: a quiet WAL is looked at less often (each checkpoint fsyncs the database file, and a
// quiet press's ack waits for an fsync of the WAL on the same disk); a busy one more often.
const { minMs, maxMs } = workerData;
let interval = minMs;
let timer;
const tick = () => {
  try {
    const [r] = db.pragma("wal_checkpoint(PASSIVE)");
    interval = r.log < 1000 ? Math.min(maxMs, interval * 2) : r.log > 4000 ? Math.max(minMs, interval / 2) : interval;
    parentPort.postMessage({ ok: true, log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String(err && err.message || err) });
  }
  timer = setTimeout(tick, interval);
};
timer = setTimeout(tick, interval);
parentPort.on("message", (m) => {
  if (m !== "close") return;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});`;

export interface CheckpointHooks {
  done?(walPages: number, checkpointed: number): void;
  error(err: Error): void;
}

export class Checkpointer {
  private readonly worker: Worker;
  private closed = false;

  private constructor(db: Db, interval: { minMs: number; maxMs: number }, hooks: CheckpointHooks) {
    const module = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, file: db.$client.name, ...interval } });
    this.worker.unref();
    this.worker.on("message", (m: { ok: boolean; log?: number; checkpointed?: number; error?: string }) => {
      if (m.ok) hooks.done?.(m.log ?? 0, m.checkpointed ?? 0);
      else hooks.error(new Error(`WAL checkpoint failed: ${m.error}`));
    });
    this.worker.on("error", (err) => hooks.error(err));
    this.worker.on("exit", (code) => {
      // the safety net takes over: the main connection checkpoints by itself again, as SQLite does by default
      if (!this.closed) {
        db.$client.pragma("wal_autocheckpoint = 1000");
        hooks.error(new Error(`checkpoint worker exited with ${code}; checkpoints back on the main thread`));
      }
    });
    db.$client.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
    db.$client.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  }

  /** Starts checkpointing `db`'s WAL on a worker; null for an in-memory or non-WAL database. */
  static start(db: Db, interval: { minMs: number; maxMs: number }, hooks: CheckpointHooks): Checkpointer | null {
    const c = db.$client;
    if (c.memory || String(c.pragma("journal_mode", { simple: true })).toLowerCase() !== "wal") return null;
    return new Checkpointer(db, interval, hooks);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    this.worker.postMessage("close");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2_000).unref())]);
    await this.worker.terminate();
  }
}
