/**
 * scrypt for device secrets on worker threads (issue 4, reconnect after a restart).
 *
 * node:crypto's async scrypt runs in libuv's pool, but each call still costs the main thread
 * ~0.3 ms of setup under a reconnect storm (bench profile: 18 % of the event loop, OpenSSL's
 * per-call algorithm fetch contending with the pool threads), and the pool is shared with the WAL
 * fsync that every ack waits for. Here the whole derivation runs on `size` worker threads; the
 * main thread only posts a message. Jobs queue in arrival order per worker; a worker is picked
 * by fewest jobs pending.
 */
import { Worker } from "node:worker_threads";
import type { Derive, ScryptParams } from "./secret-hash";

// Plain CommonJS, evaluated in the worker: no loader or build step needed (tsx, vitest, node alike).
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { scryptSync } = require("node:crypto");
parentPort.on("message", (m) => {
  try {
    const key = scryptSync(m.secret, m.salt, m.keylen, { N: m.N, r: m.r, p: m.p, maxmem: m.maxmem });
    parentPort.postMessage({ id: m.id, key });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String(err && err.message || err) });
  }
});`;

interface Job {
  resolve(key: Buffer): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Job>;
}

export class HashPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  constructor(size: number) {
    for (let i = 0; i < Math.max(1, size); i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(WORKER_SOURCE, { eval: true }), pending: new Map() };
    slot.worker.unref(); // never what keeps the process alive
    slot.worker.on("message", (m: { id: number; key?: Uint8Array; error?: string }) => {
      const job = slot.pending.get(m.id);
      slot.pending.delete(m.id);
      if (m.key) job?.resolve(Buffer.from(m.key));
      else job?.reject(new Error(m.error ?? "scrypt failed"));
    });
    const fail = (err: Error) => {
      for (const job of slot.pending.values()) job.reject(err);
      slot.pending.clear();
      // a worker that died is replaced, so the next check still has somewhere to run
      const i = this.slots.indexOf(slot);
      if (i >= 0 && !this.closed) this.slots[i] = this.spawn();
    };
    slot.worker.on("error", fail);
    slot.worker.on("exit", (code) => {
      if (!this.closed) fail(new Error(`hash worker exited with ${code}`));
    });
    return slot;
  }

  derive: Derive = (secret, salt, keylen, params: Readonly<ScryptParams> & { maxmem: number }) => {
    if (this.closed) return Promise.reject(new Error("hash pool closed"));
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, secret, salt, keylen, N: params.N, r: params.r, p: params.p, maxmem: params.maxmem });
    });
  };

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    for (const s of this.slots) for (const job of s.pending.values()) job.reject(new Error("hash pool closed"));
  }
}
