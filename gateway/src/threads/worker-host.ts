/**
 * The one way the gateway runs work on a worker thread (the hash workers, the phone channel, the WAL
 * checkpoints): a request gets one answer or one error, each request may have a timeout, and a
 * worker that dies is started again after RESTART_DELAY_MS while the requests it had fail at once
 * (their callers retry, as after a crash). A worker whose body throws before its first start has
 * completed is not started again: that failure is in its code or its setup, and would only repeat.
 *
 * The worker side is generated here (worker-side.ts), so both ends of the protocol live in one
 * place: a worker body is either plain CommonJS evaluated in the thread (no loader needed, under
 * tsx, vitest and node alike) or a TypeScript module loaded through tsx's loader, whose default
 * export receives the same `WorkerSide`.
 */
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import { workerSource, type FromWorker, type ToWorker, type WorkerError } from "./worker-side";

export type { WorkerSide } from "./worker-side";

/** How long a dead worker waits before it is started again. */
export const RESTART_DELAY_MS = 500;

export interface WorkerHostOptions {
  /** The thread's name (shown by debuggers and in logs). */
  name: string;
  /**
   * What runs in the thread: `code`, the body of a CommonJS function of (side, require), or `module`,
   * a TypeScript module whose default export is called with the side.
   */
  body: { code: string } | { module: URL };
  /** Given to the body as `side.data` (structured-cloned). */
  data?: unknown;
  /** Lowers the thread's CPU priority by this nice step before the body runs (Linux; 0 = unchanged). */
  niceStep?: number;
  /** A request not answered in this long fails (default: no limit). */
  timeoutMs?: number;
  /**
   * How long close() lets the body's onClose handlers finish before it ends the thread (default 0:
   * ended at once, for bodies that hold nothing to release).
   */
  closeGraceMs?: number;
  logger: Logger;
  /** A message the body sent with side.emit(). */
  onEvent?(event: unknown): void;
  /** The worker has started (first time and after each restart). */
  onStart?(): void;
  /** The worker died (it is started again unless closing or its body threw before its first start); its requests already failed. */
  onExit?(err: Error): void;
}

/** Why a request failed on this side: the worker died, timed out, was restarting or closed. */
export class WorkerUnavailableError extends Error {
  readonly code = "worker_unavailable";
  constructor(message: string) {
    super(message);
    this.name = "WorkerUnavailableError";
  }
}

export interface WorkerHost {
  /** Posts one request; resolves with the body's answer, rejects with its error (message, status, code kept). */
  request<T>(body: unknown): Promise<T>;
  /** Requests posted and not yet answered. */
  readonly inFlight: number;
  /** The running thread (tests end it to see the restart); null while restarting or after close. */
  readonly worker: Worker | null;
  /** Resolves at the first start; rejects if the body threw before it (or the host closed first). */
  readonly started: Promise<void>;
  /** Fails what is in flight, lets onClose handlers run (closeGraceMs), ends the thread. */
  close(): Promise<void>;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout | undefined;
}

export function startWorker(o: WorkerHostOptions): WorkerHost {
  const source = workerSource(o.body);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let worker: Worker | null = null;
  let everStarted = false;
  let closing = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let markStarted!: () => void;
  let failStart!: (err: Error) => void;
  const started = new Promise<void>((resolve, reject) => ((markStarted = resolve), (failStart = reject)));
  started.catch(() => undefined); // a caller that never awaits it must not see an unhandled rejection

  const settle = (id: number): Pending | undefined => {
    const p = pending.get(id);
    pending.delete(id);
    if (p?.timer) clearTimeout(p.timer);
    return p;
  };
  const failAll = (why: string) => {
    for (const id of [...pending.keys()]) settle(id)?.reject(new WorkerUnavailableError(why));
  };

  const spawn = () => {
    const w = new Worker(source, { eval: true, name: o.name, workerData: { data: o.data, niceStep: o.niceStep ?? 0, module: "module" in o.body ? o.body.module.href : null } });
    worker = w;
    w.unref(); // never what keeps the process alive
    w.on("message", (m: FromWorker) => {
      if (m.t === "ok") settle(m.id)?.resolve(m.value);
      else if (m.t === "err") settle(m.id)?.reject(Object.assign(new Error(m.error.message), m.error satisfies WorkerError));
      else if (m.t === "event") o.onEvent?.(m.event);
      else if (m.t === "started") {
        everStarted = true;
        markStarted();
        o.onStart?.();
      }
    });
    let failure: Error | undefined;
    w.on("error", (err) => (failure = err));
    w.on("exit", (code) => {
      if (w !== worker) return;
      worker = null;
      const err = failure ?? new Error(`${o.name} thread exited (code ${code})`);
      failAll(closing ? `${o.name} closed with the request in flight` : `${o.name} thread exited (code ${code})`);
      if (closing) return void (everStarted || failStart(new WorkerUnavailableError(`${o.name} closed before it started`)));
      if (!everStarted && failure) {
        o.logger.error({ err }, `${o.name} thread failed to start; not starting it again`);
        failStart(err);
      } else {
        o.logger.error({ err }, `${o.name} thread stopped; starting it again`);
        restartTimer = setTimeout(() => closing || spawn(), RESTART_DELAY_MS);
        restartTimer.unref();
      }
      o.onExit?.(err);
    });
  };

  spawn();
  return {
    request<T>(body: unknown): Promise<T> {
      if (!worker) return Promise.reject(new WorkerUnavailableError(closing ? `${o.name} closed` : `${o.name} thread restarting`));
      const id = nextId++;
      const w = worker;
      return new Promise<T>((resolve, reject) => {
        const timer = o.timeoutMs === undefined ? undefined : setTimeout(() => settle(id)?.reject(new WorkerUnavailableError(`no answer from the ${o.name} thread in ${o.timeoutMs} ms`)), o.timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        w.postMessage({ t: "req", id, body } satisfies ToWorker);
      });
    },
    get inFlight() {
      return pending.size;
    },
    get worker() {
      return worker;
    },
    started,
    async close() {
      if (closing) return;
      closing = true;
      clearTimeout(restartTimer);
      failAll(`${o.name} closed with the request in flight`);
      const w = worker;
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once("exit", () => resolve()));
      const grace = o.closeGraceMs ?? 0;
      if (grace > 0) {
        w.postMessage({ t: "close" } satisfies ToWorker);
        const timer = setTimeout(() => void w.terminate(), grace);
        await exited;
        clearTimeout(timer);
      } else await w.terminate();
      worker = null;
    },
  };
}
