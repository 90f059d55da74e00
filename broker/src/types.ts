/**
 * The broker's public contract. The broker knows identities and topics, never
 * alarms: the gateway injects `authenticate` and is itself
 * an ordinary MQTT client with a `service` identity.
 */
import type { Aedes } from "aedes";
import type { Logger } from "pino";
import type { Registry } from "prom-client";

/** Who is on the other end of a connection, as decided by the injected `authenticate`. */
export type Identity = { role: "device"; deviceId: string } | { role: "service"; name: string };

/** What the client sent in CONNECT, and where from. The password is secret: never logged, never kept. */
export interface Credentials {
  clientId: string;
  username?: string;
  password?: Buffer;
  /** The peer's address (the socket's, or a WebSocket request's), for per-source budgets. */
  remoteAddress?: string;
  /** Epoch ms when the broker stops waiting for the answer: work for it after then is wasted. */
  deadline?: number;
}

/**
 * An expected refusal other than bad credentials (a budget spent, a queue full): answered with
 * CONNACK 3, server unavailable, so the device retries. `retryLater` is the reason logged.
 */
export interface RetryLater {
  retryLater: string;
}

/** What `authenticate` decides: who it is, bad credentials (null), or try again later. */
export type AuthDecision = Identity | RetryLater | null;

export interface RateLimit {
  /** Sustained publishes per second allowed to one device. */
  perSecond: number;
  /** Publishes a device may send at once after being quiet. */
  burst: number;
}

export interface BrokerOptions {
  /** Default "127.0.0.1". */
  host?: string;
  /** 0 picks a free port (tests). Default 0. */
  port?: number;
  /**
   * A second listener, on 127.0.0.1, for the gateway's own link (0 picks a free port; unset: none).
   * Same authentication and topic ACL as the device port, but its own accept queue: after a restart
   * the link is not queued behind a district reconnecting at once.
   */
  servicePort?: number;
  /** MQTT over TLS (mqtts://) on `host` (0 picks a free port; unset: off). Needs `tls`. */
  tlsPort?: number;
  /** MQTT over WebSocket (ws://host:port/mqtt) on `host` (0 picks a free port; unset: off). */
  wsPort?: number;
  /** MQTT over secure WebSocket (wss://host:port/mqtt) on `host` (0 picks a free port; unset: off). Needs `tls`. */
  wssPort?: number;
  /** PEM text of the certificate (chain) and private key of the TLS and WSS listeners. */
  tls?: { cert: string; key: string };
  /** A TLS handshake or WebSocket upgrade not done by then is cut off; default 10,000 ms. */
  handshakeTimeoutMs?: number;
  /** Resolves the identity, null for bad credentials, or RetryLater. A throw refuses the client too (CONNACK 3). */
  authenticate: (credentials: Credentials) => Promise<AuthDecision>;
  logger: Logger;
  /** Where the hk_mqtt_* metrics go; default a new Registry. */
  registry?: Registry;
  /** Largest whole MQTT packet (fixed header included) accepted from any client; default MAX_PACKET_BYTES. */
  maxPacketBytes?: number;
  /** Per device id, on publishes; default 5/s, burst 20. Services are not limited. */
  rateLimit?: RateLimit;
  /** A subscriber whose socket stays full this long is dropped; default 5000 ms. */
  drainTimeoutMs?: number;
  /** The same for a service (the gateway); default 30,000 ms (drain-policy.ts). */
  serviceDrainTimeoutMs?: number;
  /** QoS>0 messages kept per persistent session (clean=false) of a device before new ones are dropped; default 100. */
  offlineQueueLimit?: number;
  /**
   * The same for a service identity (the gateway), which subscribes to every device's alarms: in a
   * storm thousands are in flight to it at once, and a drop there costs a retransmission round
   * (2 s, 4 s, …) for the device. Default 100,000 (~100 MB at worst).
   */
  serviceQueueLimit?: number;
  /** A connection that has not sent CONNECT by then is closed; default 10,000 ms. */
  connectTimeoutMs?: number;
  /** Connections from one source address (IPv6: its /64) open and not yet past CONNACK; more are closed at accept. Default 5,000. */
  pendingPerSource?: number;
  /** New connections from one source address, as a token bucket; beyond it they are closed at accept. Default 500/s, burst 5,000. */
  connectRate?: RateLimit;
  /** Logins of one device id (right credentials only), as a token bucket; beyond it CONNACK 3. Default 1/s, burst 10. */
  deviceConnectRate?: RateLimit;
}

/** Where the broker listens. */
export interface BrokerAddresses {
  port: number;
  /** mqtt://host:port */
  url: string;
  /** mqtt://127.0.0.1:port of the service listener (BrokerOptions.servicePort), or null. */
  serviceUrl: string | null;
  /** mqtts://host:port of the TLS listener (BrokerOptions.tlsPort), or null. */
  tlsUrl: string | null;
  /** ws://host:port/mqtt of the WebSocket listener (BrokerOptions.wsPort), or null. */
  wsUrl: string | null;
  /** wss://host:port/mqtt of the secure WebSocket listener (BrokerOptions.wssPort), or null. */
  wssUrl: string | null;
}

export interface HkBroker extends BrokerAddresses {
  /** Listening and not closed. */
  isRunning(): boolean;
  /** Devices (not services) connected right now. */
  connectedDevices(): number;
  /** Closes the device's connection, if any (used when a device is revoked). Its Last Will is published. */
  disconnectDevice(deviceId: string): void;
  /** Stops listening, closes every connection and unregisters the metrics. Idempotent. */
  close(): Promise<void>;
}

/** The broker on the caller's own event loop (createBroker): aedes is reachable, for tests. */
export interface InProcessBroker extends HkBroker {
  aedes: Aedes;
}
