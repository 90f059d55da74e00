/**
 * The embedded broker on its own thread, so that a district's device sockets and the gateway's
 * work (ingest, console, outbox, webhooks) do not share one event loop and acks do not wait behind
 * everything else. aedes, its sockets and its policies run in a worker thread of the same process;
 * the gateway stays an ordinary MQTT client of it, over TCP as with an external broker.
 *
 * What crosses the thread boundary: each CONNECT's credentials (checked by the injected
 * `authenticate`, on the main thread), log lines (re-logged through the main logger), the metrics
 * text on each scrape, disconnect requests, the device count. A thread that dies is started again
 * on the same port: devices reconnect as after a restart, and the gateway's link with them.
 * It keeps its own thread handling, apart from the gateway's worker host: the broker package cannot depend on the gateway.
 */
import { Worker } from "node:worker_threads";
import type { BrokerOptions, HkBroker } from "../types";
import type { Listening, ThreadInit, ToMain, ToThread } from "./messages";

export type BrokerThreadOptions = Omit<BrokerOptions, "registry">;

/** A scrape never waits longer than this for the broker thread's metrics. */
const METRICS_TIMEOUT_MS = 2_000;
const RESTART_DELAY_MS = 500;
const CLOSE_TIMEOUT_MS = 5_000;

const ENTRY = new URL("./entry.ts", import.meta.url).href;
// The entry is TypeScript: the thread registers tsx's loader first (under tsx, vitest and node alike).
const BOOT = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((m) => { m.register(); return import(${JSON.stringify(ENTRY)}); })`;

export interface BrokerThread extends HkBroker {
  /** The broker's hk_mqtt_* metrics as Prometheus text ("" when the thread does not answer in time). */
  metricsText(): Promise<string>;
  /** The running thread (tests stop it to check that it is started again). */
  readonly worker: Worker;
}

export async function startBrokerThread(options: BrokerThreadOptions): Promise<BrokerThread> {
  const { authenticate, logger } = options;
  const log = logger.child({ component: "broker-thread" });
  const init: ThreadInit = {
    host: options.host ?? "127.0.0.1", port: options.port ?? 0, logLevel: logger.level,
    maxPacketBytes: options.maxPacketBytes, rateLimit: options.rateLimit, drainTimeoutMs: options.drainTimeoutMs,
    serviceDrainTimeoutMs: options.serviceDrainTimeoutMs, offlineQueueLimit: options.offlineQueueLimit, serviceQueueLimit: options.serviceQueueLimit,
    connectTimeoutMs: options.connectTimeoutMs, pendingPerSource: options.pendingPerSource, connectRate: options.connectRate, deviceConnectRate: options.deviceConnectRate,
    ...(options.servicePort !== undefined ? { servicePort: options.servicePort } : {}),
    ...(options.tlsPort !== undefined ? { tlsPort: options.tlsPort } : {}),
    ...(options.wsPort !== undefined ? { wsPort: options.wsPort } : {}),
    ...(options.wssPort !== undefined ? { wssPort: options.wssPort } : {}),
    ...(options.tls !== undefined ? { tls: { cert: options.tls.cert, key: options.tls.key } } : {}),
    ...(options.handshakeTimeoutMs !== undefined ? { handshakeTimeoutMs: options.handshakeTimeoutMs } : {}),
  };
  let worker!: Worker;
  let alive = false;
  let ready = false;
  /** The port it listens on, once it has: a restart takes the same one. */
  let listening: number | null = null;
  let closing = false;
  let devices = 0;
  let nextMetrics = 1;
  const metricsWaiting = new Map<number, (text: string) => void>();
  const post = (m: ToThread) => worker.postMessage(m);

  const relog = (line: string) => {
    const { level, msg, time: _time, ...fields } = JSON.parse(line) as { level: number; msg?: string; time?: number };
    const label = (logger.levels.labels[level] ?? "info") as "info";
    logger[label](fields, msg);
  };

  const onMessage = (m: ToMain) => {
    switch (m.t) {
      case "log":
        return relog(m.line);
      case "auth": {
        // the answer goes to the thread that asked: a restarted one numbers its CONNECTs from 1 again
        const asker = worker;
        const answer = (r: ToThread) => asker.postMessage(r);
        return void authenticate({
          clientId: m.clientId, ...(m.username !== undefined ? { username: m.username } : {}), ...(m.password ? { password: Buffer.from(m.password) } : {}),
          ...(m.remoteAddress !== undefined ? { remoteAddress: m.remoteAddress } : {}), ...(m.deadline !== undefined ? { deadline: m.deadline } : {}),
        }).then(
          (decision) => answer({ t: "authResult", id: m.id, decision }),
          // refused with CONNACK 3 on the broker thread, as a throw is on one thread
          (err: unknown) => answer({ t: "authResult", id: m.id, decision: null, failed: err instanceof Error ? err.message : String(err) }),
        );
      }
      case "devices":
        devices = m.count;
        return;
      case "metrics":
        metricsWaiting.get(m.id)?.(m.text);
        metricsWaiting.delete(m.id);
        return;
      default:
        return;
    }
  };

  /** Starts the thread; resolves with its port once it listens. */
  const spawn = (port: number) =>
    new Promise<Listening>((resolve, reject) => {
      const w = new Worker(BOOT, { eval: true, workerData: { ...init, port } satisfies ThreadInit, name: "mqtt broker" });
      worker = w;
      alive = true;
      w.on("message", (m: ToMain) => {
        if (m.t === "ready") {
          ready = true;
          listening = m.port;
          resolve(m);
        } else if (m.t === "failed") reject(new Error(m.message));
        else onMessage(m);
      });
      w.on("error", (err) => log.error({ err }, "broker thread failed"));
      w.on("exit", (code) => {
        if (w !== worker) return;
        alive = false;
        ready = false;
        devices = 0;
        for (const done of metricsWaiting.values()) done("");
        metricsWaiting.clear();
        reject(new Error(`broker thread exited (${code}) before it listened`));
        // never listened (a port in use): the start fails, nothing to start again
        if (closing || listening === null) return;
        const port = listening;
        // every device is cut off until it is back: start it again, on the same port
        log.error({ code }, "broker thread stopped; starting it again");
        const again = () =>
          setTimeout(() => {
            if (!closing) spawn(port).then(() => log.info("broker thread running again"), (err) => { log.error({ err }, "broker thread restart failed; retrying"); again(); });
          }, RESTART_DELAY_MS);
        again();
      });
    });

  const first = await spawn(init.port);
  // a restart takes the same service port too: the gateway's link reconnects to the URL it knows
  if (first.serviceUrl) init.servicePort = Number(new URL(first.serviceUrl).port);
  // and the same device ports: devices reconnect to the URLs they were given
  if (first.tlsUrl) init.tlsPort = portOf(first.tlsUrl);
  if (first.wsUrl) init.wsPort = portOf(first.wsUrl);
  if (first.wssUrl) init.wssPort = portOf(first.wssUrl);
  let closed: Promise<void> | undefined;
  return {
    port: first.port,
    url: first.url,
    serviceUrl: first.serviceUrl,
    tlsUrl: first.tlsUrl,
    wsUrl: first.wsUrl,
    wssUrl: first.wssUrl,
    get worker() {
      return worker;
    },
    isRunning: () => ready && !closing,
    connectedDevices: () => devices,
    disconnectDevice: (deviceId) => ready && post({ t: "disconnect", deviceId }),
    metricsText() {
      if (!ready) return Promise.resolve("");
      const id = nextMetrics++;
      return new Promise<string>((resolve) => {
        const timer = setTimeout(() => {
          metricsWaiting.delete(id);
          resolve("");
        }, METRICS_TIMEOUT_MS);
        metricsWaiting.set(id, (text) => {
          clearTimeout(timer);
          resolve(text);
        });
        post({ t: "metrics", id });
      });
    },
    close() {
      closed ??= (async () => {
        closing = true;
        if (!alive) return;
        const w = worker;
        const exited = new Promise<void>((resolve) => w.once("exit", () => resolve()));
        post({ t: "close" });
        const timer = setTimeout(() => void w.terminate(), CLOSE_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
        ready = false;
      })();
      return closed;
    },
  };
}

/** A listener URL's port; URL leaves out ws:// 80 and wss:// 443, their default ports. */
function portOf(url: string): number {
  const u = new URL(url);
  return u.port ? Number(u.port) : u.protocol === "wss:" ? 443 : 80;
}
