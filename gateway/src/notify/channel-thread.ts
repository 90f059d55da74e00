/**
 * The twilio SDK on its own thread. Building the SDK's requests and running its HTTP client take a
 * noticeable share of an event loop in a storm; here they run in a worker thread of the same process
 * (threads/worker-host.ts), at a lower CPU priority than the alarm path (background-priority.ts): the
 * outbox posts each request and gets the provider's sid or error back, as from the SDK itself
 * (PhoneChannel).
 *
 * A request the thread has not answered after REPLY_TIMEOUT_MS fails as transient, so a stuck
 * thread can never hold an outbox slot (the outbox retries with backoff). A thread that dies is
 * started again; the requests it had fail as transient (at-least-once, as after a crash).
 */
import type { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import { startWorker } from "../threads/worker-host";
import { BACKGROUND_NICE_STEP } from "./background-priority";
import type { ChannelAnswer, ChannelInit, ChannelRequest } from "./channel-messages";
import type { PhoneChannel } from "./phone-channel";

/** Longer than the SDK's own request timeout (twilio-client.ts), which answers first when it can. */
const REPLY_TIMEOUT_MS = 15_000;

export interface ChannelThread extends PhoneChannel {
  /** The running thread (tests end it); null between a stop and its restart. */
  readonly worker: Worker | null;
  close(): Promise<void>;
}

/** Starts the thread; requests sent before it has booted wait in its message queue. */
export function startChannelThread(init: ChannelInit, logger: Logger): ChannelThread {
  const host = startWorker({
    name: "phone channel", body: { module: new URL("./channel-entry.ts", import.meta.url) }, data: init,
    niceStep: BACKGROUND_NICE_STEP, timeoutMs: REPLY_TIMEOUT_MS, logger,
  });
  const call = async (m: ChannelRequest): Promise<string> => (await host.request<ChannelAnswer>(m)).sid ?? "";
  return {
    get worker() {
      return host.worker;
    },
    sendSms: async (req) => ({ sid: await call({ op: "sendSms", req }) }),
    startCall: async (req) => ({ sid: await call({ op: "startCall", req }) }),
    hangUp: async (sid) => void (await call({ op: "hangUp", sid })),
    redirect: async (sid, twiml) => void (await call({ op: "redirect", sid, twiml })),
    close: () => host.close(),
  };
}
