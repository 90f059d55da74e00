/**
 * What the main thread and the broker thread say to each other (broker-thread.ts, entry.ts). Not
 * an entry point from outside the process: both ends are ours, so types are enough.
 */
import type { Identity } from "../types";

/** Sent once, as workerData: everything of BrokerOptions that is not a function or an object. */
export interface ThreadInit {
  host: string;
  port: number;
  servicePort?: number;
  logLevel: string;
  maxPacketBytes?: number;
  rateLimit?: { perSecond: number; burst: number };
  drainTimeoutMs?: number;
  serviceDrainTimeoutMs?: number;
  offlineQueueLimit?: number;
  serviceQueueLimit?: number;
}

export type ToMain =
  | { t: "ready"; port: number; url: string; serviceUrl: string | null }
  | { t: "failed"; message: string }
  | { t: "log"; line: string }
  | { t: "auth"; id: number; clientId: string; username?: string; password?: Uint8Array }
  | { t: "devices"; count: number }
  | { t: "metrics"; id: number; text: string };

export type ToThread =
  | { t: "authResult"; id: number; identity: Identity | null }
  | { t: "disconnect"; deviceId: string }
  | { t: "metrics"; id: number }
  | { t: "close" };
