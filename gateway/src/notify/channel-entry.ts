/**
 * The phone-channel thread (channel-thread.ts): the twilio SDK and its HTTP client, with their own
 * event loop. Each request arrives as a message and its reply (a sid, or the provider's error)
 * goes back; nothing else crosses. The thread runs at a lower CPU priority (background-priority.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { lowerThisThreadPriority } from "./background-priority";
import type { ChannelError, ChannelInit, FromChannel, ToChannel } from "./channel-messages";
import { createTwilioChannel } from "./twilio-channel";

// the alarm path (event loop, broker thread) first when the cores are full
lowerThisThreadPriority();

const port = parentPort!;
const channel = createTwilioChannel(workerData as ChannelInit);

function request(m: ToChannel): Promise<{ sid?: string }> {
  switch (m.op) {
    case "sendSms":
      return channel.sendSms(m.req);
    case "startCall":
      return channel.startCall(m.req);
    case "hangUp":
      return channel.hangUp(m.sid).then(() => ({}));
    case "redirect":
      return channel.redirect(m.sid, m.twiml).then(() => ({}));
  }
}

function errorOf(err: unknown): ChannelError {
  const e = err as { status?: unknown; code?: unknown; message?: unknown };
  return {
    message: typeof e?.message === "string" ? e.message : String(err),
    ...(typeof e?.status === "number" ? { status: e.status } : {}),
    ...(typeof e?.code === "number" || typeof e?.code === "string" ? { code: e.code } : {}),
  };
}

port.on("message", (m: ToChannel) => {
  request(m).then(
    (r) => port.postMessage({ id: m.id, ok: true, ...(r.sid ? { sid: r.sid } : {}) } satisfies FromChannel),
    (err) => port.postMessage({ id: m.id, ok: false, error: errorOf(err) } satisfies FromChannel),
  );
});
