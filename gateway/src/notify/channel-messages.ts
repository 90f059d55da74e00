/** What crosses between the gateway and the phone-channel thread (channel-thread.ts). */
import type { CallRequest, SmsRequest } from "./phone-channel";
import type { TwilioChannelOptions } from "./twilio-channel";

export type ChannelInit = TwilioChannelOptions;

export type ChannelRequest =
  | { op: "sendSms"; req: SmsRequest }
  | { op: "startCall"; req: CallRequest }
  | { op: "hangUp"; sid: string }
  | { op: "redirect"; sid: string; twiml: string };

/** The answer to a request: the provider's sid when it gives one. A provider error crosses as the thread's error (its message, HTTP status and provider code, as classifyError in phone-channel.ts reads them). */
export interface ChannelAnswer {
  sid?: string;
}
