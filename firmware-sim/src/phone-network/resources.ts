/**
 * Twilio's JSON for Message and Call resources (snake_case, RFC 2822 dates): what the SDK's
 * MessageInstance / CallInstance read.
 */
import { randomBytes } from "node:crypto";
import type { RecordedCall, RecordedMessage } from "./types";

export const API_VERSION = "2010-04-01";

/** "SM"/"CA"/"AC" + 32 hex digits, like Twilio's sids. */
export function newSid(prefix: "SM" | "CA" | "AC"): string {
  return prefix + randomBytes(16).toString("hex");
}

/** Twilio writes dates as RFC 2822 with a numeric zone: "Thu, 30 Jul 2015 20:12:31 +0000". */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace("GMT", "+0000");
}

/** GSM-7 fits 160 characters in one segment (153 when split); anything else is UCS-2: 70 (67). */
export function segments(body: string): number {
  const gsm = /^[\x20-\x7e\n\r£¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà]*$/.test(body);
  const len = [...body].length;
  const [one, many] = gsm ? [160, 153] : [70, 67];
  return len <= one ? 1 : Math.ceil(len / many);
}

const base = (accountSid: string) => `/${API_VERSION}/Accounts/${accountSid}`;

export function messageJson(accountSid: string, m: RecordedMessage): Record<string, unknown> {
  const uri = `${base(accountSid)}/Messages/${m.sid}.json`;
  return {
    account_sid: accountSid,
    api_version: API_VERSION,
    body: m.body,
    date_created: rfc2822(m.at),
    date_sent: m.status === "queued" || m.status === "accepted" ? null : rfc2822(m.at),
    date_updated: rfc2822(Date.now()),
    direction: "outbound-api",
    error_code: null,
    error_message: null,
    from: m.messagingServiceSid && m.from === m.messagingServiceSid ? null : m.from,
    messaging_service_sid: m.messagingServiceSid ?? null,
    num_media: "0",
    num_segments: String(segments(m.body)),
    price: null,
    price_unit: "USD",
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: uri.replace(".json", "/Media.json") },
    to: m.to,
    uri,
  };
}

export function callJson(accountSid: string, c: RecordedCall): Record<string, unknown> {
  const uri = `${base(accountSid)}/Calls/${c.sid}.json`;
  return {
    account_sid: accountSid,
    annotation: null,
    answered_by: c.answeredBy ?? null,
    api_version: API_VERSION,
    caller_name: null,
    date_created: rfc2822(c.at),
    date_updated: rfc2822(Date.now()),
    direction: "outbound-api",
    duration: c.duration === undefined ? null : String(c.duration),
    end_time: c.endedAt === undefined ? null : rfc2822(c.endedAt),
    forwarded_from: null,
    from: c.from,
    from_formatted: c.from,
    group_sid: null,
    parent_call_sid: null,
    phone_number_sid: null,
    price: null,
    price_unit: "USD",
    sid: c.sid,
    start_time: c.answeredAt === undefined ? null : rfc2822(c.answeredAt),
    status: c.status,
    subresource_uris: { notifications: uri.replace(".json", "/Notifications.json"), recordings: uri.replace(".json", "/Recordings.json") },
    to: c.to,
    to_formatted: c.to,
    trunk_sid: null,
    uri,
    queue_time: "0",
  };
}
