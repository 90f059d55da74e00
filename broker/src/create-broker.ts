/**
 * Composition of the embedded broker: options → metrics → policies → aedes
 * hooks → listeners (TCP, and optionally TLS and WebSocket). The broker knows
 * identities and topics, never alarms (docs/architecture.md).
 */
import type { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { ErrorCodes } from "@helpkey/shared";
import { Aedes, type Client } from "aedes";
import { connectionErrorKind } from "./aedes-adapter";
import { Admission } from "./admission";
import { DeviceConnects } from "./device-connects";
import { createConnectPolicy } from "./connect-policy";
import { waitForDrainWithin } from "./drain-policy";
import { isPolicyRefusal, toAedesHooks, type BrokerPolicy } from "./hooks";
import { Identities } from "./identities";
import { LeaveStatus } from "./leave-status";
import { openDoors, type Doors } from "./listeners";
import { createMetrics } from "./metrics";
import { boundedMemoryPersistence } from "./offline-queue";
import { resolveOptions } from "./options";
import { guardPacketSize } from "./packet-size";
import { createPublishPolicy } from "./publish-policy";
import { RateLimiter } from "./rate-limiter";
import { Refusals } from "./refusals";
import { remoteAddressOf } from "./remote-address";
import { createSubscribePolicy } from "./subscribe-policy";
import type { BrokerOptions, InProcessBroker } from "./types";
import { isOversizeMessage } from "./ws-listener";

/** Idle devices' full token buckets are forgotten this often. */
const RATE_SWEEP_MS = 60_000;

export async function createBroker(options: BrokerOptions): Promise<InProcessBroker> {
  const opts = resolveOptions(options);
  const log = opts.logger.child({ component: "broker" });
  const now = () => performance.now();

  let aedes: Aedes | undefined;
  const metrics = createMetrics(opts.registry, () => aedes?.connectedClients ?? 0);
  const identities = new Identities();
  const refusals = new Refusals(log, metrics);
  const limiter = new RateLimiter(opts.rateLimit);
  const admission = new Admission({ pendingPerSource: opts.pendingPerSource, connectRate: opts.connectRate });
  metrics.bounded("pending_sources", () => admission.pendingSources());
  metrics.bounded("connect_rate_sources", () => admission.rateSources());
  const deviceConnects = new DeviceConnects(opts.deviceConnectRate);
  metrics.bounded("device_connect_budgets", () => deviceConnects.size());
  /** Connections not yet past CONNACK, and how to give their source's place back. */
  const pending = new WeakMap<Client, () => void>();
  const queueLimit = (clientId: string) => (identities.isServiceClientId(clientId) ? opts.serviceQueueLimit : opts.offlineQueueLimit);

  const leave = new LeaveStatus();
  const policy: BrokerPolicy = {
    connect: createConnectPolicy({ authenticate: opts.authenticate, identities, refusals, deviceConnects, now }),
    publish: createPublishPolicy({
      identities, refusals, limiter, maxPacketBytes: opts.maxPacketBytes, now, accepted: metrics.published,
      willAccepted: (client, identity, packet) => leave.willAccepted(client, identity, packet),
    }),
    subscribe: createSubscribePolicy({ identities, refusals }),
  };

  try {
    aedes = await Aedes.createBroker({
      ...toAedesHooks(policy, (err, hook) => log.error({ err, hook }, "broker policy threw; refused")),
      // a subscriber whose socket stays full this long is dropped, so it cannot
      // hold up delivery to everyone else behind it
      drainTimeout: opts.drainTimeoutMs,
      connectTimeout: opts.connectTimeoutMs,
      // aedes lets only `concurrency` publishes be in delivery at once (default 100), and a delivery
      // to a subscriber ends a turn later (setImmediate): a busy turn of 50 ms then caps the whole
      // broker near 2,000 messages/s, alarms and acks alike, and under a storm the devices'
      // retransmissions pile onto the queue. And mqemitter releases its queue recursively: a long run of queued messages
      // that nobody subscribes to (acks for devices that just left) overflowed the stack and took
      // the process down. 0 = no limit: the sockets' own back-pressure and drainTimeout bound it.
      concurrency: 0,
      persistence: boundedMemoryPersistence(queueLimit, {
        dropped(clientId, first) {
          metrics.offlineDropped();
          if (first) log.warn({ clientId, limit: queueLimit(clientId) }, "session queue full; dropping new messages for it");
        },
      }),
    });
  } catch (err) {
    metrics.remove();
    throw err;
  }
  const broker = aedes;

  broker.on("client", (client) => {
    identities.registered(client);
    if (identities.get(client)?.role === "service") waitForDrainWithin(client, opts.serviceDrainTimeoutMs);
  });
  broker.on("clientReady", (client) => pending.get(client)?.());
  let closing = false;
  broker.on("clientDisconnect", (client) => {
    const status = leave.leaving(client, identities.get(client), identities.unregistered(client));
    // at shutdown nobody listens: the gateway's link closed first, and the next start re-arms supervision
    if (status && !closing) broker.publish(status, (err) => err && log.warn({ ...identities.subject(client), err: err.message }, "offline status not published"));
  });
  // a CONNECT that never came and bytes that are no MQTT are refusals, logged and counted like the
  // others; socket resets, keepalive timeouts and the policies' own refusals (already counted) are routine
  const onConnectionError = (client: Client, err: Error) => {
    const kind = isPolicyRefusal(err) ? "other" : connectionErrorKind(err);
    if (kind === "connect_timeout") {
      refusals.record({}, { code: ErrorCodes.MQTT_CONNECT_TIMEOUT, reason: "no CONNECT in time", details: { timeoutMs: opts.connectTimeoutMs } }, remoteAddressOf(client));
    } else if (kind === "protocol") {
      refusals.closing(client, identities.subject(client), { code: ErrorCodes.MQTT_MALFORMED, reason: "not an MQTT 3.1.1 packet", details: { err: err.message } });
    } else {
      log.debug({ ...identities.subject(client), err: err.message }, "mqtt connection error");
    }
  };
  broker.on("clientError", onConnectionError);
  broker.on("connectionError", onConnectionError);
  // an "error" event without a listener would take the whole process down
  // (aedes' typings list no "error" overload, hence the upcast)
  const emitter: EventEmitter = broker;
  emitter.on("error", (err: Error) => log.error({ err }, "aedes error"));

  const sweeper = setInterval(() => {
    limiter.sweep(now());
    admission.sweep(now());
    deviceConnects.sweep(now());
  }, RATE_SWEEP_MS);
  sweeper.unref();

  // every listener's connections come in here: a TCP or TLS socket, or a WebSocket's byte stream
  const admit = (conn: Duplex, req?: IncomingMessage) => {
    const address = req?.socket.remoteAddress ?? (conn as { remoteAddress?: string }).remoteAddress;
    const place = admission.admit(address, now());
    if (!place.ok) {
      const reason = place.over === "pending" ? "too many connections from this address waiting for CONNACK" : "new connections from this address over the rate";
      refusals.record({}, { code: ErrorCodes.MQTT_CONNECTION_LIMIT, reason, details: { limit: place.limit } }, place.source);
      conn.on("error", () => undefined);
      conn.destroy();
      return;
    }
    const client = broker.handle(conn, req);
    pending.set(client, place.release);
    conn.once("close", place.release);
    const tooLarge = (bytes: number | undefined) =>
      refusals.closing(client, identities.subject(client), {
        code: ErrorCodes.MQTT_PACKET_TOO_LARGE,
        reason: "packet too large",
        details: { ...(bytes !== undefined ? { bytes } : {}), limit: opts.maxPacketBytes },
      });
    guardPacketSize(conn, opts.maxPacketBytes, tooLarge);
    // a WebSocket message over maxPayload is cut off by ws before the guard sees its header
    conn.on("error", (err) => {
      if (isOversizeMessage(err)) tooLarge(undefined);
    });
  };
  let doors: Doors;
  try {
    doors = await openDoors(opts, options.servicePort, admit, log);
  } catch (err) {
    clearInterval(sweeper);
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    metrics.remove();
    throw err;
  }
  const { url, serviceUrl, tlsUrl, wsUrl, wssUrl } = doors;
  const extra = Object.fromEntries(Object.entries({ serviceUrl, tlsUrl, wsUrl, wssUrl }).filter(([, v]) => v !== null));
  log.info({ url, ...extra }, "mqtt broker listening");

  let closed: Promise<void> | undefined;
  return {
    port: doors.port,
    url,
    serviceUrl,
    tlsUrl,
    wsUrl,
    wssUrl,
    aedes: broker,
    isRunning: () => !broker.closed && !closed,
    connectedDevices: () => identities.deviceCount(),
    disconnectDevice(deviceId) {
      // close() publishes the Last Will ({online: false}), as for any lost device
      identities.device(deviceId)?.close();
    },
    close() {
      closed ??= (async () => {
        closing = true;
        clearInterval(sweeper);
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        await doors.close();
        metrics.remove();
        log.info({ url }, "mqtt broker closed");
      })();
      return closed;
    },
  };
}
