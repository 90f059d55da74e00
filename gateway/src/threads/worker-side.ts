/**
 * The thread's half of the worker-host protocol (worker-host.ts), as the source the thread evaluates:
 * a request `{t: "req", id, body}` gets `{t: "ok", id, value}` or `{t: "err", id, error}`; the body's
 * own messages go as `{t: "event"}`; `{t: "started"}` says the body is ready; `{t: "close"}` runs
 * its onClose handlers and lets the thread end. A synchronous answer is posted at once (the hash
 * workers answer thousands a second); a promise is answered when it settles.
 */
export type ToWorker = { t: "req"; id: number; body: unknown } | { t: "close" };

/** A body's error as it crosses: its message, and the HTTP status and provider code when it has them. */
export interface WorkerError {
  message: string;
  status?: number;
  code?: number | string;
}

export type FromWorker =
  | { t: "ok"; id: number; value: unknown }
  | { t: "err"; id: number; error: WorkerError }
  | { t: "event"; event: unknown }
  | { t: "started" };

/** What a worker body is given. */
export interface WorkerSide<Data = unknown> {
  /** The host's `data`. */
  readonly data: Data;
  /** Answers every request (those that arrived before this call too) with `handle`'s result or error. */
  serve(handle: (body: never) => unknown): void;
  /** Sends a message that answers no request (progress, measurements). */
  emit(event: unknown): void;
  /** Runs when the host closes the worker gracefully, before the thread ends. */
  onClose(fn: () => void): void;
}

const PROTOCOL = `
const { parentPort, workerData: w } = require("node:worker_threads");
if (w.niceStep > 0 && process.platform === "linux") {
  // on Linux a nice value belongs to each thread, and setpriority(0) means the calling one
  const os = require("node:os");
  try { os.setPriority(0, Math.min(19, os.getPriority(0) + w.niceStep)); } catch {}
}
let handle = null;
const backlog = [];
const closers = [];
const errorOf = (err) => {
  const e = err || {};
  return {
    message: typeof e.message === "string" ? e.message : String(err),
    ...(typeof e.status === "number" ? { status: e.status } : {}),
    ...(typeof e.code === "number" || typeof e.code === "string" ? { code: e.code } : {}),
  };
};
const fail = (id, err) => parentPort.postMessage({ t: "err", id, error: errorOf(err) });
const answer = (m) => {
  let r;
  try { r = handle(m.body); } catch (err) { return fail(m.id, err); }
  if (r && typeof r.then === "function") r.then((value) => parentPort.postMessage({ t: "ok", id: m.id, value }), (err) => fail(m.id, err));
  else parentPort.postMessage({ t: "ok", id: m.id, value: r });
};
const side = {
  data: w.data,
  serve(fn) { handle = fn; for (const m of backlog.splice(0)) answer(m); },
  emit(event) { parentPort.postMessage({ t: "event", event }); },
  onClose(fn) { closers.push(fn); },
};
parentPort.on("message", (m) => {
  if (m.t === "close") {
    for (const fn of closers) { try { fn(); } catch {} }
    return parentPort.close();
  }
  if (handle) answer(m); else backlog.push(m);
});
const started = () => parentPort.postMessage({ t: "started" });
`;

/** tsx's loader, registered in the thread before a TypeScript body is imported (under tsx, vitest and node alike). */
const TSX_API = JSON.stringify(import.meta.resolve("tsx/esm/api"));

/** The source a worker thread evaluates: the protocol, then the body. */
export function workerSource(body: { code: string } | { module: URL }): string {
  if ("code" in body) return `${PROTOCOL}\n(function (side) {\n${body.code}\n})(side);\nstarted();\n`;
  return `${PROTOCOL}\nimport(${TSX_API}).then((m) => { m.register(); return import(w.module); }).then((mod) => mod.default(side)).then(started);\n`;
}
