/** What crosses between the gateway and the phone-channel thread (channel-thread.ts). */
import type { CallRequest, SmsRequest } from "./phone-channel";
import type { TwilioChannelOptions } from "./twilio-channel";

export type ChannelInit = TwilioChannelOptions;

export type ChannelRequest =
  | { op: "sendSms"; req: SmsRequest }
  | { op: "startCall"; req: CallRequest }
  | { op: "hangUp"; sid: string }
  | { op: "redirect"; sid: string; twiml: string };

export type ToChannel = ChannelRequest & { id: number };

/** A provider error as classifyError (phone-channel.ts) reads it: HTTP status and provider code. */
export interface ChannelError {
  message: string;
  status?: number;
  code?: number | string;
}

export type FromChannel = { id: number; ok: true; sid?: string } | { id: number; ok: false; error: ChannelError };
