/**
 * Options are checked once, defaults filled in, and the result frozen.
 * A bad number is a programming error of the
 * composition root, so it throws at boot rather than misbehaving later.
 */
import { MAX_PACKET_BYTES } from "@helpkey/shared";
import { Registry } from "prom-client";
import { z } from "zod";
import type { AuthDecision, BrokerOptions, Credentials, RateLimit } from "./types";
import type { Logger } from "pino";

export interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly authenticate: (credentials: Credentials) => Promise<AuthDecision>;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly maxPacketBytes: number;
  readonly rateLimit: Readonly<RateLimit>;
  readonly drainTimeoutMs: number;
  readonly serviceDrainTimeoutMs: number;
  readonly offlineQueueLimit: number;
  readonly serviceQueueLimit: number;
  readonly tlsPort?: number | undefined;
  readonly wsPort?: number | undefined;
  readonly wssPort?: number | undefined;
  readonly tls?: Readonly<{ cert: string; key: string }> | undefined;
  readonly handshakeTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly pendingPerSource: number;
  readonly connectRate: Readonly<RateLimit>;
  readonly deviceConnectRate: Readonly<RateLimit>;
}

const numbers = z.object({
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(0),
  // a CONNECT with client id, username, password and a will must still fit
  maxPacketBytes: z.number().int().min(256).default(MAX_PACKET_BYTES),
  rateLimit: z
    .object({ perSecond: z.number().positive(), burst: z.number().min(1) })
    .default({ perSecond: 5, burst: 20 }),
  // a device's socket holds 16 KB before writes report back-pressure, so 5 s
  // of a full buffer means a stuck peer; every publisher to it waits meanwhile
  drainTimeoutMs: z.number().int().positive().default(5_000),
  // the gateway (drain-policy.ts): busy for seconds in a storm, but never for this long
  serviceDrainTimeoutMs: z.number().int().positive().default(30_000),
  offlineQueueLimit: z.number().int().positive().default(100),
  serviceQueueLimit: z.number().int().positive().default(100_000),
  tlsPort: z.number().int().min(0).max(65535).optional(),
  wsPort: z.number().int().min(0).max(65535).optional(),
  wssPort: z.number().int().min(0).max(65535).optional(),
  tls: z.object({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
  // long enough for a slow link's handshake; short enough that idle half-opens do not pile up
  handshakeTimeoutMs: z.number().int().positive().default(10_000),
  // a device's CONNECT follows its TCP handshake at once; a socket silent this long holds a
  // descriptor for nothing
  connectTimeoutMs: z.number().int().positive().default(10_000),
  // a community behind one address reconnecting at once after a restart (5,000 households) fits
  pendingPerSource: z.number().int().positive().default(5_000),
  connectRate: z
    .object({ perSecond: z.number().positive(), burst: z.number().min(1) })
    .default({ perSecond: 500, burst: 5_000 }),
  // a device reconnects after a restart or a lost link, not several times a second
  deviceConnectRate: z
    .object({ perSecond: z.number().positive(), burst: z.number().min(1) })
    .default({ perSecond: 1, burst: 10 }),
}).refine((o) => o.tls !== undefined || (o.tlsPort === undefined && o.wssPort === undefined), {
  message: "tlsPort and wssPort need tls: {cert, key}",
  path: ["tls"],
});

export function resolveOptions(options: BrokerOptions): ResolvedOptions {
  const checked = numbers.parse({
    host: options.host,
    port: options.port,
    maxPacketBytes: options.maxPacketBytes,
    rateLimit: options.rateLimit,
    drainTimeoutMs: options.drainTimeoutMs,
    serviceDrainTimeoutMs: options.serviceDrainTimeoutMs,
    offlineQueueLimit: options.offlineQueueLimit,
    serviceQueueLimit: options.serviceQueueLimit,
    tlsPort: options.tlsPort,
    wsPort: options.wsPort,
    wssPort: options.wssPort,
    tls: options.tls,
    handshakeTimeoutMs: options.handshakeTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs,
    pendingPerSource: options.pendingPerSource,
    connectRate: options.connectRate,
    deviceConnectRate: options.deviceConnectRate,
  });
  return Object.freeze({
    ...checked,
    rateLimit: Object.freeze(checked.rateLimit),
    connectRate: Object.freeze(checked.connectRate),
    deviceConnectRate: Object.freeze(checked.deviceConnectRate),
    tls: checked.tls && Object.freeze(checked.tls),
    authenticate: options.authenticate,
    logger: options.logger,
    registry: options.registry ?? new Registry(),
  });
}
