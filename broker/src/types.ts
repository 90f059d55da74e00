/**
 * The broker's public contract. The broker knows identities and topics, never
 * alarms (DESIGN.md "Parts"): the gateway injects `authenticate` and is itself
 * an ordinary MQTT client with a `service` identity.
 */
import type { Aedes } from "aedes";
import type { Logger } from "pino";
import type { Registry } from "prom-client";

/** Who is on the other end of a connection, as decided by the injected `authenticate`. */
export type Identity = { role: "device"; deviceId: string } | { role: "service"; name: string };

/** What the client sent in CONNECT. The password is secret: never logged, never kept. */
export interface Credentials {
  clientId: string;
  username?: string;
  password?: Buffer;
}

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
   * the link is not queued behind a district reconnecting at once (bench: 13 s behind 19,000 devices).
   */
  servicePort?: number;
  /** Resolves the identity, or null for bad credentials. A throw refuses the client too. */
  authenticate: (credentials: Credentials) => Promise<Identity | null>;
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
}

export interface HkBroker {
  port: number;
  /** mqtt://host:port */
  url: string;
  /** mqtt://127.0.0.1:port of the service listener (BrokerOptions.servicePort), or null. */
  serviceUrl: string | null;
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
