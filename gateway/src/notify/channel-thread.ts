/**
 * The twilio SDK on its own thread (issue 4). At 1,000 presses/s the SDK's request building, axios
 * and the HTTP client took about an eighth of the event loop that acks the devices (bench
 * profile). Here they run in a worker thread of the same process: the outbox posts each request
 * and gets the provider's sid or error back, as from the SDK itself (PhoneChannel).
 *
 * A request the thread has not answered after REPLY_TIMEOUT_MS fails as transient, so a stuck
 * thread can never hold an outbox slot (the outbox retries with backoff). A thread that dies is
 * started again; the requests it had fail as transient (at-least-once, as after a crash).
 */
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import type { ChannelInit, ChannelRequest, FromChannel, ToChannel } from "./channel-messages";
import type { PhoneChannel } from "./phone-channel";

/** Longer than the SDK's own request timeout (twilio-client.ts), which answers first when it can. */
const REPLY_TIMEOUT_MS = 15_000;
const RESTART_DELAY_MS = 500;

const ENTRY = new URL("./channel-entry.ts", import.meta.url).href;
// The entry is TypeScript: the thread registers tsx's loader first (under tsx, vitest and node alike).
const BOOT = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((m) => { m.register(); return import(${JSON.stringify(ENTRY)}); })`;

export interface ChannelThread extends PhoneChannel {
  /** The running thread (tests end it); null between a stop and its restart. */
  readonly worker: Worker | null;
  close(): Promise<void>;
}

type Job = { resolve(sid: string | undefined): void; reject(err: Error): void; timer: NodeJS.Timeout };

/** Starts the thread; requests sent before it has booted wait in its message queue. */
export function startChannelThread(init: ChannelInit, logger: Logger): ChannelThread {
  const pending = new Map<number, Job>();
  let nextId = 1;
  let worker: Worker | null = null;
  let closing = false;

  const settle = (id: number): Job | undefined => {
    const job = pending.get(id);
    pending.delete(id);
    if (job) clearTimeout(job.timer);
    return job;
  };

  const spawn = () => {
    const w = new Worker(BOOT, { eval: true, workerData: init, name: "phone channel" });
    worker = w;
    w.unref(); // never what keeps the process alive
    w.on("message", (m: FromChannel) => {
      const job = settle(m.id);
      if (m.ok) job?.resolve(m.sid);
      else job?.reject(Object.assign(new Error(m.error.message), m.error));
    });
    w.on("error", (err) => logger.error({ err }, "phone channel thread failed"));
    w.on("exit", (code) => {
      if (w !== worker) return;
      worker = null;
      // at a stop, in flight: the outbox marks them for sending again (at-least-once, as after a crash)
      const why = closing ? "phone channel closed with the request in flight" : `phone channel thread exited (${code})`;
      for (const id of [...pending.keys()]) settle(id)?.reject(new Error(why));
      if (closing) return;
      logger.error({ code }, "phone channel thread stopped; starting it again");
      setTimeout(() => closing || spawn(), RESTART_DELAY_MS).unref();
    });
  };

  const call = (m: ChannelRequest): Promise<string | undefined> =>
    new Promise((resolve, reject) => {
      if (!worker) return reject(new Error(closing ? "phone channel closed" : "phone channel thread restarting"));
      const id = nextId++;
      const timer = setTimeout(() => settle(id)?.reject(new Error(`no reply from the phone channel thread in ${REPLY_TIMEOUT_MS} ms`)), REPLY_TIMEOUT_MS);
      pending.set(id, { resolve, reject, timer });
      worker.postMessage({ ...m, id } satisfies ToChannel);
    });

  spawn();
  return {
    get worker() {
      return worker;
    },
    sendSms: async (req) => ({ sid: (await call({ op: "sendSms", req })) ?? "" }),
    startCall: async (req) => ({ sid: (await call({ op: "startCall", req })) ?? "" }),
    hangUp: async (sid) => void (await call({ op: "hangUp", sid })),
    redirect: async (sid, twiml) => void (await call({ op: "redirect", sid, twiml })),
    async close() {
      closing = true;
      await worker?.terminate();
    },
  };
}
