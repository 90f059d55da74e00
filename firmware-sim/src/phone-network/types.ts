/** The phone network's records, events and public interface. */
import type { Logger } from "pino";
import type { PersonScript } from "./people";

export type CallStatus = "queued" | "initiated" | "ringing" | "in-progress" | "completed" | "busy" | "no-answer" | "failed" | "canceled";
export const TERMINAL_CALL_STATUSES: ReadonlySet<CallStatus> = new Set(["completed", "busy", "no-answer", "failed", "canceled"]);

/** "accepted": taken by a Messaging Service, which has yet to pick the sender. */
export type MessageStatus = "accepted" | "queued" | "sent" | "delivered";

export interface RecordedMessage {
  sid: string;
  to: string;
  /** The From number; with a Messaging Service, the service's sid (the emulator has no pool of numbers to pick from). */
  from: string;
  /** Sent through this Messaging Service (MessagingServiceSid instead of From). */
  messagingServiceSid?: string;
  body: string;
  validityPeriod?: number;
  statusCallback?: string;
  status: MessageStatus;
  at: number;
}

/** An SMS sent by a simulated person to the gateway (PersonScript.replySms). */
export interface InboundMessage {
  sid: string;
  from: string;
  to: string;
  body: string;
  at: number;
  /** The inbound URL answered 2xx. */
  delivered: boolean;
}

export interface Speech {
  text: string;
  language?: string;
  voice?: string;
}

export interface RecordedCall {
  sid: string;
  to: string;
  from: string;
  url?: string;
  method: "GET" | "POST";
  twiml?: string;
  statusCallback?: string;
  statusCallbackEvent?: string[];
  statusCallbackMethod: "GET" | "POST";
  machineDetection?: string;
  asyncAmd: boolean;
  asyncAmdStatusCallback?: string;
  asyncAmdStatusCallbackMethod: "GET" | "POST";
  /** Ring timeout in seconds (the `Timeout` parameter, Twilio's default 60). */
  timeoutS: number;
  status: CallStatus;
  /** Every status the call went through, in order. */
  statuses: CallStatus[];
  answeredBy?: "human" | "machine_start";
  /** Keys the person pressed. */
  digits?: string;
  /** The text of every <Say>, in order. */
  said: string[];
  /** The same with language and voice. */
  speech: Speech[];
  /** Seconds from answer to end, in simulated time. */
  duration?: number;
  at: number;
  answeredAt?: number;
  endedAt?: number;
}

export type CallEventType = "status" | "amd" | "twiml" | "say" | "digits";

export interface CallEvent {
  sid: string;
  type: CallEventType;
  status?: CallStatus;
  /** say: the text; digits: the keys; twiml: the URL fetched; amd: AnsweredBy. */
  detail?: string;
  at: number;
}

export interface PhoneNetworkEvents {
  message: [RecordedMessage];
  "message-status": [RecordedMessage];
  "inbound-sms": [InboundMessage];
  call: [RecordedCall];
  "call-event": [CallEvent];
}

/** 429: too many requests; 401: the credentials refused (an account suspended or its token changed); 5xx: the provider down. */
export type Failure = { status: 429; code?: 20429 } | { status: 401; code?: 20003 } | { status: 500 | 502 | 503; code?: number };

/** Which requests a queued failure is for (unset: any): sending an SMS, placing a call, updating a live call (hang-up, redirect). */
export interface FailureMatch {
  request?: "sms" | "call" | "call-update" | "other";
  /** The request's To number (SMS and new calls). */
  to?: string;
}

export interface PhoneNetworkOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Must start with AC: the twilio SDK refuses anything else. */
  accountSid: string;
  authToken: string;
  logger?: Logger;
  people?: Record<string, PersonScript>;
  defaultPerson?: PersonScript;
  /** Simulated time runs this many times faster (tests use 10 or more). */
  speed?: number;
  /** Where people's SMS replies are POSTed, like a Twilio number's messaging webhook. */
  inboundSmsUrl?: string;
}

export interface PhoneNetwork {
  /** http://host:port, the value for the gateway's HK_TWILIO_API_URL / createTwilioClient({apiUrl}). */
  readonly url: string;
  readonly accountSid: string;
  readonly authToken: string;
  readonly messages: RecordedMessage[];
  readonly inboundMessages: InboundMessage[];
  readonly calls: RecordedCall[];
  setPerson(phone: string, script: PersonScript): void;
  setInboundSmsUrl(url: string | undefined): void;
  /** The next n authenticated API requests (those `match` names, default all) fail with this status (default 429 / 20429). */
  failNext(n: number, failure?: Failure, match?: FailureMatch): void;
  on<K extends keyof PhoneNetworkEvents>(event: K, cb: (...args: PhoneNetworkEvents[K]) => void): void;
  off<K extends keyof PhoneNetworkEvents>(event: K, cb: (...args: PhoneNetworkEvents[K]) => void): void;
  /** Resolves with the predicate's first truthy value, re-checked after every event. */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}
