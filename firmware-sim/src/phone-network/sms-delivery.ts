/**
 * What happens to an SMS after the API accepted it: delivery status callbacks (sent, delivered) and,
 * if the recipient's script says so, their reply as an inbound SMS to the messaging webhook
 * (inbound SMS replies ("1") come back to webhooks).
 */
import { maskPhone } from "@helpkey/shared";
import { CallbackChain, sendSigned } from "./callbacks";
import type { NetworkState } from "./network-state";
import { PERSON_DEFAULTS } from "./people";
import { API_VERSION, newSid, segments } from "./resources";
import type { InboundMessage, MessageStatus, RecordedMessage } from "./types";

/** Simulated seconds from acceptance to each delivery status. */
const SENT_AFTER_S = 0.2;
const DELIVERED_AFTER_S = 1;

export function deliverSms(net: NetworkState, m: RecordedMessage): void {
  const chain = new CallbackChain();
  const { accountSid, authToken } = net.config;
  const status = (s: MessageStatus) => {
    m.status = s;
    net.events.emit("message-status", m);
    const url = m.statusCallback;
    if (!url) return;
    const params = {
      AccountSid: accountSid, ApiVersion: API_VERSION, From: m.from, To: m.to, MessageSid: m.sid, SmsSid: m.sid, MessageStatus: s, SmsStatus: s,
      ...(m.messagingServiceSid ? { MessagingServiceSid: m.messagingServiceSid } : {}),
    };
    chain.push(() => sendSigned(url, params, { authToken, signal: net.signal, log: net.log }));
  };
  net.later(SENT_AFTER_S, () => status("sent"));
  net.later(DELIVERED_AFTER_S, () => status("delivered"));
  const person = net.person(m.to);
  const reply = person.replySms;
  if (reply !== undefined) net.later(person.replyAfterS ?? PERSON_DEFAULTS.replyAfterS, () => void sendReply(net, m, reply));
}

async function sendReply(net: NetworkState, original: RecordedMessage, body: string): Promise<void> {
  const inbound: InboundMessage = { sid: newSid("SM"), from: original.to, to: original.from, body, at: Date.now(), delivered: false };
  net.inboundMessages.push(inbound);
  const url = net.inboundSmsUrl;
  if (!url) {
    net.log.warn({ from: maskPhone(inbound.from) }, "a person replied by SMS but no inboundSmsUrl is set; the reply is only recorded");
  } else {
    const params = {
      AccountSid: net.config.accountSid, ApiVersion: API_VERSION, MessageSid: inbound.sid, SmsSid: inbound.sid, SmsMessageSid: inbound.sid,
      From: inbound.from, To: inbound.to, Body: body, NumMedia: "0", NumSegments: String(segments(body)), SmsStatus: "received",
    };
    const res = await sendSigned(url, params, { authToken: net.config.authToken, signal: net.signal, log: net.log }).catch(() => undefined);
    inbound.delivered = res !== undefined && res.status < 300;
  }
  net.events.emit("inbound-sms", inbound);
}
