/**
 * Composition of the embedded broker: options → metrics → policies → aedes
 * hooks → TCP listener. The broker knows identities and topics, never alarms
 * (DESIGN.md "Parts").
 */
import type { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import { ErrorCodes } from "@helpkey/shared";
import { Aedes } from "aedes";
import { createConnectPolicy } from "./connect-policy";
import { waitForDrainWithin } from "./drain-policy";
import { toAedesHooks, type BrokerPolicy } from "./hooks";
import { Identities } from "./identities";
import { createMetrics } from "./metrics";
import { boundedMemoryPersistence } from "./offline-queue";
import { resolveOptions } from "./options";
import { guardPacketSize } from "./packet-size";
import { createPublishPolicy } from "./publish-policy";
import { RateLimiter } from "./rate-limiter";
import { Refusals } from "./refusals";
import { createSubscribePolicy } from "./subscribe-policy";
import { listenTcp, type TcpListener } from "./tcp-listener";
import type { BrokerOptions, InProcessBroker } from "./types";

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
  const queueLimit = (clientId: string) => (identities.isServiceClientId(clientId) ? opts.serviceQueueLimit : opts.offlineQueueLimit);

  const policy: BrokerPolicy = {
    connect: createConnectPolicy({ authenticate: opts.authenticate, identities, refusals }),
    publish: createPublishPolicy({ identities, refusals, limiter, maxPacketBytes: opts.maxPacketBytes, now, accepted: metrics.published }),
    subscribe: createSubscribePolicy({ identities, refusals }),
  };

  try {
    aedes = await Aedes.createBroker({
      ...toAedesHooks(policy, (err, hook) => log.error({ err, hook }, "broker policy threw; refused")),
      // a subscriber whose socket stays full this long is dropped, so it cannot
      // hold up delivery to everyone else behind it (TOOLCHAIN.md "aedes")
      drainTimeout: opts.drainTimeoutMs,
      // aedes lets only `concurrency` publishes be in delivery at once (default 100), and a delivery
      // to a subscriber ends a turn later (setImmediate): a busy turn of 50 ms then caps the whole
      // broker near 2,000 messages/s, alarms and acks alike, and under a storm the devices'
      // retransmissions pile onto the queue (measured: acks stalled for minutes with 19,000
      // devices). Worse, mqemitter releases its queue recursively: a long run of queued messages
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
  broker.on("clientDisconnect", (client) => identities.unregistered(client));
  // socket resets, keepalive timeouts, refused publishes (already logged): routine
  broker.on("clientError", (client, err) => log.debug({ ...identities.subject(client), err: err.message }, "mqtt client error"));
  broker.on("connectionError", (_client, err) => log.debug({ err: err.message }, "mqtt connection error"));
  // an "error" event without a listener would take the whole process down
  // (aedes' typings list no "error" overload, hence the upcast)
  const emitter: EventEmitter = broker;
  emitter.on("error", (err: Error) => log.error({ err }, "aedes error"));

  const sweeper = setInterval(() => limiter.sweep(now()), RATE_SWEEP_MS);
  sweeper.unref();

  const onSocket = (socket: Socket) => {
    const client = broker.handle(socket);
    guardPacketSize(socket, opts.maxPacketBytes, (bytes) =>
      refusals.closing(client, identities.subject(client), {
        code: ErrorCodes.MQTT_PACKET_TOO_LARGE,
        reason: "packet too large",
        details: { bytes, limit: opts.maxPacketBytes },
      }),
    );
  };
  const listeners: TcpListener[] = [];
  try {
    // the gateway's door first: it is open before any device can queue up at the other one
    if (options.servicePort !== undefined) listeners.push(await listenTcp("127.0.0.1", options.servicePort, onSocket));
    listeners.push(await listenTcp(opts.host, opts.port, onSocket));
  } catch (err) {
    clearInterval(sweeper);
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await Promise.all(listeners.map((l) => l.close()));
    metrics.remove();
    throw err;
  }
  const listener = listeners.at(-1)!;
  const service = listeners.length > 1 ? listeners[0]! : null;

  const url = `mqtt://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${listener.port}`;
  const serviceUrl = service ? `mqtt://127.0.0.1:${service.port}` : null;
  log.info({ url, ...(serviceUrl ? { serviceUrl } : {}) }, "mqtt broker listening");

  let closed: Promise<void> | undefined;
  return {
    port: listener.port,
    url,
    serviceUrl,
    aedes: broker,
    isRunning: () => !broker.closed && !closed,
    connectedDevices: () => identities.deviceCount(),
    disconnectDevice(deviceId) {
      // close() publishes the Last Will ({online: false}), as for any lost device
      identities.device(deviceId)?.close();
    },
    close() {
      closed ??= (async () => {
        clearInterval(sweeper);
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        await Promise.all(listeners.map((l) => l.close()));
        metrics.remove();
        log.info({ url }, "mqtt broker closed");
      })();
      return closed;
    },
  };
}
