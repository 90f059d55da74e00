/**
 * Group commit with the fsync off the event loop.
 *
 * With `synchronous = FULL` every COMMIT fsyncs the WAL on the main thread. The ingest batches
 * presses into one transaction per turn, but other writers (outbox steps, Twilio status callbacks,
 * console actions) commit on their own, and in a storm the event loop that acks the devices would
 * spend much of its time waiting in fsync.
 *
 * Instead: `synchronous = NORMAL` (a COMMIT writes the WAL frames, no fsync) and one fsync of the
 * WAL file in libuv's pool for everything committed so far, shared by every waiter (group commit in
 * the PostgreSQL sense). Nothing leaves the process before its data is durable: the effect sinks
 * (acks to devices: ingest/mqtt-link.ts; console frames: console/console-hub.ts) run their writes
 * through `after()`, which releases them, in order, when an fsync that started after they were
 * queued has completed. fsync flushes the file (the inode), whichever descriptor asks, so the
 * frames SQLite wrote through its own descriptor are covered. Each system owns the WalSync of its
 * own database (system.ts), so two systems in one process never wait for each other's syncs.
 *
 * The sync is fdatasync, as SQLite's own on Linux: the data and the file's size, without its
 * timestamps (tests/bench/sync-probe.ts compares the two).
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
  private closed = false;
  constructor(
    private readonly db: Db,
    private readonly fd: number,
    private readonly hooks: WalSyncHooks,
  ) {}

  get open(): boolean {
    return this.db.$client.open;
  }

  after(fn: Callback): void {
    if (this.failed || this.closed) return;
    this.queued.push(fn);
    if (!this.syncing) this.flush();
  }

  /**
   * One fsync for everything queued so far; what is queued meanwhile waits for it to end and goes
   * with the next one. One fsync at a time, as PostgreSQL's WAL writer: under load each covers more
   * waiters, and the syncs, their thread wake-ups and the kernel's journal commits take that much
   * less of the cores the acks need. An fsync covers what was committed before it started, so each
   * waiter is released by the first fsync started after it was queued, and callbacks run in queue
   * order.
   */
  private flush(): void {
    if (this.queued.length === 0 || !this.open || this.closed) return;
    const batch = this.queued;
    this.queued = [];
    this.syncing = true;
    const t0 = performance.now();
    fdatasync(this.fd, (err) => {
      this.syncing = false;
      // closed meanwhile (the system is stopping): nothing waits any more
      if (this.closed) return this.closeFd();
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
    this.closed = true;
    this.queued = [];
    // a sync under way still uses the descriptor: it is closed when that sync ends
    if (!this.syncing) this.closeFd();
  }

  private closeFd(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }
}

/** Runs a callback once everything committed before the call is on disk. */
export type AfterDurable = (fn: Callback) => void;

export interface Durability {
  /** Runs `fn` once everything committed before this call is on disk; callbacks run in the order they were queued. */
  after: AfterDurable;
  /** Forgets what waits and closes the WAL's descriptor (before the database closes). */
  close(): void;
}

/**
 * Switches `db` to NORMAL + off-thread fsync, right after it is opened and before anything is written.
 * Without a WAL file (not in WAL mode, an in-memory database) it leaves FULL alone and after() runs
 * callbacks at once: every commit is already durable when it returns.
 */
export function createWalSync(db: Db, hooks: WalSyncHooks): Durability {
  const walFile = `${db.$client.name}-wal`;
  if (db.$client.memory || !existsSync(walFile) || String(db.$client.pragma("journal_mode", { simple: true })).toLowerCase() !== "wal") {
    return { after: (fn) => fn(), close: () => undefined };
  }
  const sync = new WalSync(db, openSync(walFile, "r"), hooks);
  db.$client.pragma("synchronous = NORMAL");
  return { after: (fn) => sync.after(fn), close: () => sync.close() };
}
