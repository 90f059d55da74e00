/**
 * What the main thread and the broker thread say to each other (broker-thread.ts, entry.ts). Not
 * an entry point from outside the process: both ends are ours, so types are enough.
 */
import type { AuthDecision, BrokerAddresses } from "../types";

/** Sent once, as workerData: everything of BrokerOptions that is not a function or an object. */
export interface ThreadInit {
  host: string;
  port: number;
  servicePort?: number;
  /** The optional device listeners; a restarted thread gets the ports the first one listened on. */
  tlsPort?: number;
  wsPort?: number;
  wssPort?: number;
  /** PEM text (the thread reads no files). */
  tls?: { cert: string; key: string };
  handshakeTimeoutMs?: number;
  logLevel: string;
  maxPacketBytes?: number;
  rateLimit?: { perSecond: number; burst: number };
  drainTimeoutMs?: number;
  serviceDrainTimeoutMs?: number;
  offlineQueueLimit?: number;
  serviceQueueLimit?: number;
  connectTimeoutMs?: number;
  pendingPerSource?: number;
  connectRate?: { perSecond: number; burst: number };
  deviceConnectRate?: { perSecond: number; burst: number };
}

/** Where the broker listens (HkBroker's port and URLs). */
export type Listening = BrokerAddresses;

export type ToMain =
  | ({ t: "ready" } & Listening)
  | { t: "failed"; message: string }
  | { t: "log"; line: string }
  | { t: "auth"; id: number; clientId: string; username?: string; password?: Uint8Array; remoteAddress?: string; deadline?: number }
  | { t: "devices"; count: number }
  | { t: "metrics"; id: number; text: string };

export type ToThread =
  /** `failed`: the main thread's authenticate threw (refused with CONNACK 3, as on one thread). */
  | { t: "authResult"; id: number; decision: AuthDecision; failed?: string }
  | { t: "disconnect"; deviceId: string }
  | { t: "metrics"; id: number }
  | { t: "close" };
