/**
 * Group commit with the fsync off the event loop (issue 4).
 *
 * With `synchronous = FULL` every COMMIT fsyncs the WAL on the main thread. The ingest batches
 * presses into one transaction per turn, but every other writer (outbox steps, each Twilio status
 * callback, console actions) commits on its own: a storm's notification traffic then spent about
 * half of the event loop waiting in fsync (bench profile), and acks waited behind it.
 *
 * Instead: `synchronous = NORMAL` (a COMMIT writes the WAL frames, no fsync) and one fsync of the
 * WAL file in libuv's pool for everything committed so far, shared by every waiter (group commit in
 * the PostgreSQL sense). Nothing leaves the process before its data is durable: the effect sinks
 * (acks to devices: ingest/mqtt-link.ts; console frames: console/console-hub.ts) run their writes
 * through afterDurable(), which releases them, in order, when an fsync that started after they were
 * queued has completed. fsync flushes the file (the inode), whichever descriptor asks, so the
 * frames SQLite wrote through its own descriptor are covered.
 *
 * The sync is fdatasync, as SQLite's own on Linux: the data and the file's size, without its
 * timestamps. For 40 KiB appends on the bench machine, p50 / p99 0.26 / 0.32–0.38 ms against
 * fsync's 0.25 / 0.77–1.03 ms (`pnpm tsx tests/bench/sync-probe.ts`, 400 syncs each, twice).
 *
 * Recovery after a power cut is SQLite's own: WAL frames with valid checksums up to the last
 * commit record are replayed; an fsynced WAL holds every transaction committed before the fsync.
 *
 * A failed fsync is final, as PostgreSQL treats it: after an error the kernel may have dropped the
 * dirty pages it could not write and report the next fsync as a success, so nothing committed
 * since the last good sync can be promised durable. Nothing waiting is released, nothing later is
 * either, and `fatal` is called once: the process must stop and let the service manager restart it
 * (devices retransmit what was not acked; consoles resume by number).
 */
import { fdatasync, openSync, closeSync, existsSync } from "node:fs";
import type { Db } from "../db/open";

type Callback = () => void;

export interface WalSyncHooks {
  /** The fsync failed: durability is lost; called once, and nothing is released from then on. */
  fatal(err: Error): void;
  /** One fsync done: how long it took (s) and how many waiters it released. */
  synced?(seconds: number, waiters: number): void;
}

class WalSync {
  private queued: Callback[] = [];
  private syncing = false;
  private failed = false;
  constructor(
    readonly db: Db,
    private readonly fd: number,
    private readonly hooks: WalSyncHooks,
  ) {}

  get open(): boolean {
    return this.db.$client.open;
  }

  after(fn: Callback): void {
    if (this.failed) return;
    this.queued.push(fn);
    if (!this.syncing) this.flush();
  }

  /**
   * One fsync for everything queued so far; what is queued meanwhile waits for it to end and goes
   * with the next one. One fsync at a time, as PostgreSQL's WAL writer: under load each covers more
   * waiters, and the syncs, their thread wake-ups and the kernel's journal commits take that much
   * less of the cores the acks need. With two at once (until this round) the sustained phase ran
   * 26,371 fsyncs in 30 s, one at a time 16,642, and its ack p99 went from 44.3 to 25.5 ms (bench,
   * README "Benchmarks"). An fsync covers what was committed before it started, so each waiter is
   * released by the first fsync started after it was queued, and callbacks run in queue order.
   */
  private flush(): void {
    if (this.queued.length === 0 || !this.open) return;
    const batch = this.queued;
    this.queued = [];
    this.syncing = true;
    const t0 = performance.now();
    fdatasync(this.fd, (err) => {
      this.syncing = false;
      this.hooks.synced?.((performance.now() - t0) / 1000, batch.length);
      if (err) {
        this.failed = true;
        this.queued = [];
        this.hooks.fatal(err);
        return;
      }
      for (const fn of batch) fn();
      this.flush();
    });
  }

  close(): void {
    this.queued = [];
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }
}

const active = new Set<WalSync>();

/**
 * Switches `db` to NORMAL + off-thread fsync. Idempotent per database. Without a WAL file (not in
 * WAL mode, an in-memory database) it leaves FULL alone and afterDurable() runs callbacks at once.
 */
export function enableWalSync(db: Db, hooks: WalSyncHooks): void {
  for (const w of active) if (w.db === db) return;
  const file = db.$client.name;
  const walFile = `${file}-wal`;
  if (db.$client.memory || !existsSync(walFile) || String(db.$client.pragma("journal_mode", { simple: true })).toLowerCase() !== "wal") return;
  const fd = openSync(walFile, "r");
  db.$client.pragma("synchronous = NORMAL");
  active.add(new WalSync(db, fd, hooks));
}

/**
 * Runs `fn` once everything committed before this call is on disk (in every open database that
 * uses enableWalSync; at once when none does). Callbacks run in the order they were queued.
 */
export function afterDurable(fn: Callback): void {
  for (const w of active) {
    if (!w.open) {
      w.close();
      active.delete(w);
    }
  }
  if (active.size === 0) return fn();
  if (active.size === 1) {
    for (const w of active) w.after(fn);
    return;
  }
  // Several databases (tests run several systems in one process): wait for all of them.
  let left = active.size;
  for (const w of active) w.after(() => --left === 0 && fn());
}
