/**
 * Every slow hash of the gateway (device secrets, dispatcher passwords) runs here, on worker threads:
 * never on the event loop, and never in libuv's pool, which runs the WAL fdatasync that every ack
 * waits for (store/wal-sync.ts).
 *
 * Logins can have workers of their own (`loginWorkers`, at a lower CPU priority): they serve only
 * the login lanes, and the other workers only device checks.
 *
 * The queue lives on this side; each worker has a few jobs posted ahead, so that it never idles
 * while the main thread is busy: device checks (~0.3 ms each) up to DEVICE_AHEAD, about 40 ms of
 * work, which a busy event loop's turn can take; logins (~40 ms each) up to LOGIN_AHEAD. The rest
 * wait in one FIFO per lane. Lane "device"
 * (CONNECT checks, provisioning) is served first, then lane "known" (logins from a browser that
 * logged in to that account before: the dispatcher at her own desk), then lane "password" (every
 * other login, user creation), so a login flood from strangers never queues ahead of her. A job
 * whose deadline has passed when its turn comes is dropped without hashing: nobody waits for its
 * answer any more. A full lane refuses at once (HashPoolBusyError), so a flood queues a bounded
 * amount of work instead of minutes of it. Each worker runs under the worker host
 * (threads/worker-host.ts): one that dies fails its jobs in flight and is started again, and the
 * jobs waiting in the lanes go to it then.
 */
import type { Worker } from "node:worker_threads";
import pino, { type Logger } from "pino";
import { startWorker, type WorkerHost } from "../threads/worker-host";
import type { ScryptParams } from "./secret-hash";

export type HashLane = "device" | "known" | "password";

export interface DeriveOptions {
  /** Default "device". */
  lane?: HashLane;
  /** Epoch ms: dropped unhashed (HashExpiredError) if its turn comes later. */
  deadline?: number;
}

/** How a job ended: hashed, failed in the worker, dropped at its turn, or refused at the door. */
export type HashOutcome = "done" | "failed" | "expired" | "busy";

export interface HashPoolOptions {
  /** Jobs each lane may hold waiting (in flight not counted); default LANE_LIMITS. */
  limits?: Partial<Record<HashLane, number>>;
  /** Hears every job's outcome (metrics). */
  observe?: (lane: HashLane, outcome: HashOutcome) => void;
  /**
   * Workers of their own for the login lanes (default 0: every worker serves every lane). They
   * serve the login lanes first and device checks when no login waits; the other workers serve
   * device checks only, so a login flood never takes a device worker.
   */
  loginWorkers?: number;
  /** Lowers the login workers' CPU priority by this nice step (Linux; 0 = unchanged, the default). */
  loginNiceStep?: number;
  /** Device checks posted ahead to one worker (default DEVICE_AHEAD). */
  deviceAhead?: number;
  /** Hears of a worker that died and is started again (default: silent). */
  logger?: Logger;
}

/**
 * The device lane holds a whole district reconnecting at once after a restart (each job is a socket
 * waiting for its CONNACK, and a broker process holds at most ~20,000); the login lanes a few logins.
 */
export const LANE_LIMITS: Readonly<Record<HashLane, number>> = Object.freeze({ device: 20_000, known: 16, password: 16 });
/** In the order they are served. */
export const LANES: readonly HashLane[] = ["device", "known", "password"];
/** Device-cost jobs posted ahead to one worker (a worker re-checks each job's deadline itself). */
const DEVICE_AHEAD = 128;
/** Password-cost jobs posted ahead to one worker. */
const LOGIN_AHEAD = 2;

/** The lane's queue is full: nothing was hashed; the caller answers "busy, retry". */
export class HashPoolBusyError extends Error {
  readonly code = "busy";
  constructor(readonly lane: HashLane) {
    super(`hash queue "${lane}" is full`);
    this.name = "HashPoolBusyError";
  }
}

/** The job's deadline passed before its turn: nothing was hashed. */
export class HashExpiredError extends Error {
  readonly code = "expired";
  constructor(readonly lane: HashLane) {
    super(`hash job expired in queue "${lane}"`);
    this.name = "HashExpiredError";
  }
}

// Evaluated in the worker as plain CommonJS (threads/worker-host.ts). It checks the deadline again:
// the second job posted to a worker waits there for the first.
const WORKER_BODY = `
const { scryptSync } = require("node:crypto");
side.serve((m) => {
  if (m.deadline !== undefined && Date.now() > m.deadline) return { expired: true };
  return { key: scryptSync(m.secret, m.salt, m.keylen, { N: m.N, r: m.r, p: m.p, maxmem: m.maxmem }) };
});`;

interface JobMessage {
  secret: string | Buffer;
  salt: Buffer;
  keylen: number;
  N: number;
  r: number;
  p: number;
  maxmem: number;
  deadline?: number;
}

interface Job {
  lane: HashLane;
  message: JobMessage;
  resolve(key: Buffer): void;
  reject(err: Error): void;
}

interface Slot {
  host: WorkerHost;
  /** The lanes this worker takes jobs from, in the order it serves them. */
  lanes: readonly HashLane[];
}

const DEVICE_ONLY: readonly HashLane[] = ["device"];
const LOGINS_ONLY: readonly HashLane[] = ["known", "password"];

/** A FIFO with O(1) push and shift (an array whose consumed head is cut off now and then). */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined; // a job holds a secret: not kept beyond its turn
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  drain(): T[] {
    const rest = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return rest;
  }
}

export class HashPool {
  private readonly slots: Slot[] = [];
  private readonly queues: Record<HashLane, Fifo<Job>> = { device: new Fifo(), known: new Fifo(), password: new Fifo() };
  private readonly limits: Record<HashLane, number>;
  private readonly observe: (lane: HashLane, outcome: HashOutcome) => void;
  private readonly deviceAhead: number;
  private readonly logger: Logger;
  private closed = false;

  /** `size` workers for device checks (every lane when `loginWorkers` is 0), plus `loginWorkers`. */
  constructor(size: number, opts: HashPoolOptions = {}) {
    this.limits = { ...LANE_LIMITS, ...opts.limits };
    this.observe = opts.observe ?? (() => {});
    this.deviceAhead = Math.max(LOGIN_AHEAD, opts.deviceAhead ?? DEVICE_AHEAD);
    this.logger = opts.logger ?? pino({ level: "silent" });
    const logins = opts.loginWorkers ?? 0;
    for (let i = 0; i < Math.max(1, size); i++) this.slots.push(this.spawn(logins > 0 ? DEVICE_ONLY : LANES, 0));
    for (let i = 0; i < logins; i++) this.slots.push(this.spawn(LOGINS_ONLY, opts.loginNiceStep ?? 0));
  }

  /** Each worker's running thread (tests end one to see it replaced); null while it restarts. */
  get workers(): (Worker | null)[] {
    return this.slots.map((s) => s.host.worker);
  }

  /** Jobs waiting in a lane (not yet posted to a worker). */
  queued(lane: HashLane): number {
    return this.queues[lane].length;
  }

  derive = (secret: string | Buffer, salt: Buffer, keylen: number, params: Readonly<ScryptParams> & { maxmem: number }, opts: DeriveOptions = {}): Promise<Buffer> => {
    if (this.closed) return Promise.reject(new Error("hash pool closed"));
    const lane = opts.lane ?? "device";
    const queue = this.queues[lane];
    if (queue.length >= this.limits[lane]) {
      this.dropExpiredHead(lane);
      if (queue.length >= this.limits[lane]) {
        this.observe(lane, "busy");
        return Promise.reject(new HashPoolBusyError(lane));
      }
    }
    const message: JobMessage = { secret, salt, keylen, N: params.N, r: params.r, p: params.p, maxmem: params.maxmem };
    if (opts.deadline !== undefined) message.deadline = opts.deadline;
    return new Promise<Buffer>((resolve, reject) => {
      queue.push({ lane, message, resolve, reject });
      this.pump();
    });
  };

  async close(): Promise<void> {
    this.closed = true;
    const err = new Error("hash pool closed");
    for (const lane of LANES) for (const job of this.queues[lane].drain()) job.reject(err);
    // the jobs in flight are rejected by their worker's close (post(), below)
    await Promise.all(this.slots.map((s) => s.host.close()));
  }

  private spawn(lanes: readonly HashLane[], niceStep: number): Slot {
    // a restarted worker takes the jobs that waited meanwhile
    const host = startWorker({ name: "hash worker", body: { code: WORKER_BODY }, niceStep, logger: this.logger, onStart: () => this.pump() });
    return { host, lanes };
  }

  private post(slot: Slot, job: Job): void {
    slot.host.request<{ key?: Uint8Array; expired?: boolean }>(job.message).then(
      (m) => {
        this.settle(job, m);
        this.pump();
      },
      (err: Error) => {
        // in flight when its worker died or timed out: the caller retries, as after a crash
        if (this.closed) return job.reject(new Error("hash pool closed"));
        this.observe(job.lane, "failed");
        job.reject(err);
        this.pump();
      },
    );
  }

  private settle(job: Job, m: { key?: Uint8Array; expired?: boolean }): void {
    if (m.key) {
      this.observe(job.lane, "done");
      job.resolve(Buffer.from(m.key));
    } else {
      this.observe(job.lane, "expired");
      job.reject(new HashExpiredError(job.lane));
    }
  }

  /** Posts waiting jobs to workers, round-robin: each worker's first job before anyone's second. */
  private pump(): void {
    if (this.closed) return;
    for (let depth = 1; depth <= this.deviceAhead; depth++) {
      // beyond LOGIN_AHEAD only device checks are posted ahead
      if (depth > LOGIN_AHEAD ? this.queues.device.length === 0 : LANES.every((l) => this.queues[l].length === 0)) return;
      for (const slot of this.slots) {
        // a worker being started again takes nothing until it runs
        if (!slot.host.worker || slot.host.inFlight >= depth) continue;
        const job = this.next(depth > LOGIN_AHEAD ? slot.lanes.filter((l) => l === "device") : slot.lanes);
        if (job) this.post(slot, job);
      }
    }
  }

  /** The next job worth hashing from `lanes`, in their order; expired ones met on the way are dropped. */
  private next(lanes: readonly HashLane[]): Job | undefined {
    const now = Date.now();
    for (const lane of lanes) {
      const queue = this.queues[lane];
      for (let job = queue.shift(); job; job = queue.shift()) {
        if (job.message.deadline !== undefined && now > job.message.deadline) this.expire(job);
        else return job;
      }
    }
    return undefined;
  }

  /** A full lane first sheds the expired jobs at its head (they would be dropped at their turn anyway). */
  private dropExpiredHead(lane: HashLane): void {
    const queue = this.queues[lane];
    const now = Date.now();
    for (let job = queue.peek(); job && job.message.deadline !== undefined && now > job.message.deadline; job = queue.peek()) {
      this.expire(queue.shift()!);
    }
  }

  private expire(job: Job): void {
    this.observe(job.lane, "expired");
    job.reject(new HashExpiredError(job.lane));
  }
}
