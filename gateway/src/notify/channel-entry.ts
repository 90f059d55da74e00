/**
 * The phone-channel thread's body (channel-thread.ts): the twilio SDK and its HTTP client, with their
 * own event loop. Each request arrives through the worker host (threads/worker-host.ts) and its
 * answer (a sid, or the provider's error) goes back; nothing else crosses.
 */
import type { WorkerSide } from "../threads/worker-host";
import type { ChannelAnswer, ChannelInit, ChannelRequest } from "./channel-messages";
import { createTwilioChannel } from "./twilio-channel";

export default function serveChannel(side: WorkerSide<ChannelInit>): void {
  const channel = createTwilioChannel(side.data);
  side.serve((m: ChannelRequest): Promise<ChannelAnswer> => {
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
  });
}
