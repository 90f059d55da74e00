/**
 * The one worker-thread mechanism: answers and errors cross intact, a request can time out, a dead
 * worker's requests fail and it is started again, a body that throws at start is not, close ends it.
 */
import pino from "pino";
import { afterEach, expect, it } from "vitest";
import { startWorker, WorkerUnavailableError, type WorkerHost, type WorkerHostOptions } from "../src/threads/worker-host";

const logger = pino({ level: "silent" });
let host: WorkerHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

// echoes, fails with a provider-like error, or never answers ("hang"); "sum" is synchronous
const BODY = `
side.serve((m) => {
  if (m.op === "sum") return m.a + m.b;
  if (m.op === "fail") return Promise.reject(Object.assign(new Error("too many"), { status: 429, code: 20429 }));
  if (m.op === "hang") return new Promise(() => {});
  return Promise.resolve({ echo: m.value, data: side.data });
});`;

const start = (o: Partial<WorkerHostOptions> = {}) => (host = startWorker({ name: "test", body: { code: BODY }, data: "init", logger, ...o }));

it("answers requests (also those posted before it started) and passes errors back with their status and code", async () => {
  const h = start();
  const early = h.request<{ echo: string; data: string }>({ op: "echo", value: "hi" });
  expect(await early).toEqual({ echo: "hi", data: "init" });
  await h.started;
  expect(await h.request<number>({ op: "sum", a: 2, b: 3 })).toBe(5);
  await expect(h.request({ op: "fail" })).rejects.toMatchObject({ message: "too many", status: 429, code: 20429 });
  expect(h.inFlight).toBe(0);
});

it("fails a request not answered in timeoutMs, and keeps serving", async () => {
  const h = start({ timeoutMs: 100 });
  await expect(h.request({ op: "hang" })).rejects.toBeInstanceOf(WorkerUnavailableError);
  expect(await h.request<number>({ op: "sum", a: 1, b: 1 })).toBe(2);
});

it("fails what a dead worker had in flight, refuses while it restarts, and starts it again", async () => {
  let starts = 0;
  const exits: Error[] = [];
  const h = start({ onStart: () => void starts++, onExit: (err) => void exits.push(err) });
  await h.started;
  const first = h.worker!;
  const inFlight = h.request({ op: "hang" }).catch((err: unknown) => err);
  await first.terminate();
  expect(await inFlight).toMatchObject({ message: expect.stringMatching(/test thread exited/) });
  expect(exits).toHaveLength(1);
  await expect(h.request({ op: "sum", a: 1, b: 2 })).rejects.toThrow(/restarting/);
  const deadline = Date.now() + 10_000;
  while (starts < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(starts).toBe(2);
  expect(h.worker).not.toBe(first);
  expect(await h.request<number>({ op: "sum", a: 1, b: 2 })).toBe(3);
});

it("does not start again a body that throws before it has started", async () => {
  const exits: Error[] = [];
  const h = (host = startWorker({ name: "broken", body: { code: `throw new Error("no driver");` }, logger, onExit: (err) => void exits.push(err) }));
  await expect(h.started).rejects.toThrow(/no driver/);
  expect(exits).toHaveLength(1);
  expect(h.worker).toBeNull();
  await expect(h.request({})).rejects.toBeInstanceOf(WorkerUnavailableError);
});

it("at close fails what is in flight, runs the body's onClose handlers (with a grace), and refuses new requests", async () => {
  const events: unknown[] = [];
  const h = (host = startWorker({
    name: "graceful", logger, closeGraceMs: 5_000,
    body: { code: `side.onClose(() => side.emit("closing")); side.serve(() => new Promise(() => {}));` },
    onEvent: (e) => void events.push(e),
  }));
  await h.started;
  const inFlight = h.request({}).catch((err: unknown) => err);
  await h.close();
  expect(await inFlight).toMatchObject({ message: expect.stringMatching(/closed with the request in flight/) });
  expect(events).toEqual(["closing"]);
  await expect(h.request({})).rejects.toThrow(/closed/);
});
