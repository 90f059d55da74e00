/** PhoneChannel over the real twilio SDK (pointed at Twilio, or at a compatible emulator). */
import type { PhoneChannel } from "./phone-channel";
import { createTwilioClient } from "./twilio-client";

export interface TwilioChannelOptions {
  accountSid: string;
  authToken: string;
  /** The sender when a request names none: a From number, or a Messaging Service sid (MG…) for texts. */
  from: string;
  apiUrl?: string | undefined;
}

export function createTwilioChannel(o: TwilioChannelOptions): PhoneChannel {
  const client = createTwilioClient({ accountSid: o.accountSid, authToken: o.authToken, ...(o.apiUrl ? { apiUrl: o.apiUrl } : {}) });
  // The SDK loads its REST API modules at the first `client.messages` (tens of ms): at start, so
  // that the first alarm after a start does not wait for it.
  void client.messages;
  void client.calls;
  return {
    async sendSms(r) {
      const sender = r.sender ?? o.from;
      const m = await client.messages.create({
        to: r.to, body: r.body, statusCallback: r.statusCallback,
        // a Messaging Service picks one of its pool's numbers (Twilio: MessagingServiceSid instead of From)
        ...(sender.startsWith("MG") ? { messagingServiceSid: sender } : { from: sender }),
        ...(r.validityPeriodS ? { validityPeriod: r.validityPeriodS } : {}),
      });
      return { sid: m.sid };
    },
    async startCall(r) {
      const c = await client.calls.create({
        to: r.to, from: r.sender ?? o.from, url: r.url, method: "POST", timeout: r.ringTimeoutS,
        statusCallback: r.statusCallback, statusCallbackMethod: "POST",
        // not "initiated": it only repeats what the API's reply already said (the row is `sent`), and
        // in a storm every webhook is work on the thread that acks
        statusCallbackEvent: ["ringing", "answered", "completed"],
        // Answering-machine detection: a voicemail is not an answer.
        machineDetection: "Enable", asyncAmd: "true", asyncAmdStatusCallback: r.amdCallback, asyncAmdStatusCallbackMethod: "POST",
      });
      return { sid: c.sid };
    },
    async hangUp(sid) {
      await client.calls(sid).update({ status: "completed" });
    },
    async redirect(sid, twiml) {
      await client.calls(sid).update({ twiml });
    },
  };
}
