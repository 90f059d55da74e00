/**
 * The composition root as a factory: wires the real adapters (SQLite, embedded broker, MQTT link,
 * Twilio SDK, phone-network emulator, HTTP) for main.ts and for the end-to-end tests.
 * Start-up order is the list below; close() undoes it in reverse.
 */
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import { createLogger } from "./logger";
import { createBroker, startBrokerThread, type Credentials, type HkBroker } from "@helpkey/broker";
import type { AlertContext } from "./alerts/context";
import type { Effects } from "./alerts/effects";
import { ensureAdminToken } from "./admin-token";
import type { Config } from "./config";
import { ConsoleHub } from "./console/console-hub";
import { startEscalationLoop } from "./district/escalation-loop";
import { openDb } from "./db/open";
import { seedDemo, type DemoInfo } from "./demo/seed";
import { ConnectAuth, type ConnectDecision } from "./devices/connect-auth";
import { DeviceRegistry } from "./devices/device-registry";
import { HashPool } from "./devices/hash-pool";
import { rotatableAdminToken } from "./admin-token-rotation";
import { buildApp, type DeclaredRoute } from "./http/build-app";
import { DoorCodeCipher } from "./board/door-code-cipher";
import { sealClearDoorCodes } from "./board/door-code";
import { LoginGuard } from "./http/login-guard";
import { Ingest } from "./ingest/ingest";
import { MqttLink } from "./ingest/mqtt-link";
import { createAuthMetrics } from "./metrics/auth-metrics";
import { createBoundedEntries } from "./metrics/bounded-entries";
import { createMetrics } from "./metrics/metrics";
import { bindDbGauges } from "./metrics/db-gauges";
import { BACKGROUND_NICE_STEP } from "./notify/background-priority";
import { OutboxWorker, type OutboxRates } from "./notify/outbox-worker";
import type { PhoneChannel } from "./notify/phone-channel";
import type { PhoneStatus } from "./notify/phone-health";
import { EMULATOR_FROM, startPhone } from "./notify/phone-setup";
import { storeCallControl } from "./notify/call-control";
import { armAfterRestart } from "./supervision/silence-flow";
import { walFsyncHistogram } from "./ingest/loop-delay";
import { startCheckpointer } from "./store/checkpointer";
import { HouseholdDirectory } from "./store/household-info";
import { createTurnEnd } from "./store/turn-end";
import { createWalSync } from "./store/wal-sync";
import { WriteBatch } from "./store/write-batch";

/** The longest one shutdown step may take before the stop goes on without it. */
const CLOSE_STEP_BUDGET_MS = 5_000;

export interface SystemOptions {
  logger?: Logger;
  now?: () => number;
  rates?: Partial<OutboxRates>;
  /** Use this channel instead of Twilio / the emulator (never needed by the tests; for embedding). */
  channel?: PhoneChannel;
  /** The built-in emulator's simulated-time multiplier (drills and tests). */
  phoneSpeed?: number;
  /**
   * The embedded broker on its own thread (default, broker/src/thread) or on this event loop
   * (false: for tests that reach into aedes, and for a single-thread profile).
   */
  brokerThread?: boolean;
  /** The event loop's utilisation as the outbox's in-flight limit sees it (tests of an overloaded loop). */
  loopUtilization?: () => number;
  /** Replace the admin token with a generated one (`--new-admin-token`); ignored with HK_ADMIN_TOKEN. */
  newAdminToken?: boolean;
  /** Bytes a console may leave unread before it is closed (default console-hub.ts). */
  consoleSendBufferLimit?: number;
  /** Where the built console is (default dashboard/dist). */
  dashboardDir?: string;
  /**
   * Durability is lost (the WAL's fsync failed). main.ts exits so that the service manager starts a
   * fresh process; the default (embedding, tests) stops this system.
   */
  onFatal?: (err: Error) => void;
}

export interface System {
  logger: Logger;
  httpUrl: string;
  mqttUrl: string;
  /** The URL new devices are given: the TLS listener's when there is one. */
  deviceUrl: string;
  publicUrl: string;
  /** The admin token in clear when this start generated it (shown once), else null. */
  generatedAdminToken: string | null;
  /** Every HTTP route and who may call it. */
  routes: readonly DeclaredRoute[];
  /** The embedded phone-network emulator's URL, when it runs. */
  phoneUrl: string | null;
  phone: import("@helpkey/firmware-sim/phone-network").PhoneNetwork | null;
  /** Which phone network, and whether it reaches anyone. */
  phoneStatus(): PhoneStatus;
  demo: DemoInfo | null;
  ctx: AlertContext;
  /** The embedded broker; null with HK_MQTT_URL (an external one). */
  broker: HkBroker | null;
  close(): Promise<void>;
}

/** The built console (`pnpm build:dashboard`); without it `/` says how to build it. */
const DASHBOARD_DIR = fileURLToPath(new URL("../../dashboard/dist", import.meta.url));

export async function startSystem(config: Readonly<Config>, opts: SystemOptions = {}): Promise<System> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const now = opts.now ?? Date.now;
  const closers: [string, () => Promise<void> | void][] = [];
  const close = async () => {
    for (const [step, c] of closers.reverse()) {
      const t0 = performance.now();
      // a step that hangs must not keep the whole stop (and every device's reconnect) waiting
      let timer: NodeJS.Timeout | undefined;
      const budget = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          logger.warn({ step, ms: CLOSE_STEP_BUDGET_MS }, "close step still running; going on without it");
          resolve();
        }, CLOSE_STEP_BUDGET_MS);
      });
      await Promise.race([Promise.resolve(c()).catch((err) => logger.error({ err, step }, "close step failed")), budget]);
      clearTimeout(timer);
      // a slow shutdown delays the restart every device waits for: say which step
      logger.info({ step, ms: Math.round(performance.now() - t0) }, "close step done");
    }
  };
  const onFatal = (err: Error) => {
    logger.fatal({ err }, "the database's fsync failed: what was stored since the last good sync may not be on disk; stopping (devices retransmit what was not acked)");
    (opts.onFatal ?? (() => void close()))(err);
  };
  try {
    // 1. durable store; this system's own WAL sync and end-of-turn lanes, shared with no other system
    const db = openDb(config.dataDir);
    closers.push(["database", () => void db.$client.close()]);
    const metrics = createMetrics();
    bindDbGauges(metrics, db);
    // commits stop waiting for fsync on the event loop; acks and console frames wait for it instead
    const fsyncs = walFsyncHistogram(metrics.registry);
    const durable = createWalSync(db, { fatal: onFatal, synced: (seconds) => fsyncs.observe(seconds) });
    closers.push(["wal sync", () => durable.close()]);
    const turnEnd = createTurnEnd();
    const authMetrics = createAuthMetrics(metrics.registry);
    // every map a stranger can grow is bounded, and counted here by name
    const bounded = createBoundedEntries(metrics.registry);
    // every slow hash runs on worker threads: device checks on one per core (a district reconnecting
    // after a restart is bound by them), logins on one more below the threads that store and ack
    // alarms, so a login flood takes only the CPU the alarm path leaves
    const hashes = new HashPool(availableParallelism(), { observe: authMetrics.hashJob, loginWorkers: 1, loginNiceStep: BACKGROUND_NICE_STEP, logger: logger.child({ part: "hash-pool" }) });
    closers.push(["hash workers", () => hashes.close()]);
    const ctx: AlertContext = { db, dir: new HouseholdDirectory(db), devices: new DeviceRegistry(db, hashes.derive), writes: new WriteBatch(db, turnEnd) };
    // the broker's device check, behind budgets for failed checks per source and per device id
    const connectAuth = new ConnectAuth(ctx.devices, { observe: authMetrics.connect });
    authMetrics.bind({ hashes, devices: ctx.devices, connectAuth }, bounded);
    const checkpointer = await startCheckpointer(db, {
      logger: logger.child({ part: "database" }),
      checkpointed: (s, pages) => {
        metrics.checkpoint.observe(s);
        metrics.walPages.set(pages);
      },
    });
    closers.push(["wal checkpoints", () => checkpointer.close()]);
    const hub = new ConsoleHub({
      afterDurable: durable.after,
      ...(opts.consoleSendBufferLimit ? { sendBufferLimit: opts.consoleSendBufferLimit } : {}),
      onClosed: (why) => (why === "too_slow" ? metrics.consoleSlowClosed : metrics.consoleRevoked).inc(),
    });
    const token = ensureAdminToken(db, config.dataDir, config.adminToken, opts.newAdminToken);
    if (token.endedSessions > 0) logger.warn({ sessions: token.endedSessions }, "the admin token changed: the console sessions it opened are ended");
    if (token.removedClearCopy) logger.warn("removed admin-token.txt: the admin token is kept only as a digest now (start with --new-admin-token to get a new one)");

    // 2. broker (embedded unless HK_MQTT_URL names an external one)
    const service = { username: "svc:gateway", password: randomBytes(24).toString("base64url") };
    let broker: HkBroker | null = null;
    if (!config.mqttUrl) {
      const brokerOptions = {
        host: config.host, port: config.mqttPort, servicePort: 0, logger: logger.child({ part: "broker" }),
        // the optional TLS and WebSocket device listeners (tlsPort, wsPort, wssPort, tls)
        ...config.mqttListeners,
        // what one source address may cost before it logs in (connect timeout, pending, new per second)
        ...config.mqttLimits,
        authenticate: async (credentials: Credentials): Promise<ConnectDecision> => {
          const { clientId, username, password } = credentials;
          if (username === service.username) return password?.toString() === service.password ? { role: "service", name: clientId } : null;
          return connectAuth.authenticate(credentials);
        },
      };
      if (opts.brokerThread === false) broker = await createBroker({ ...brokerOptions, registry: metrics.registry });
      else {
        const thread = await startBrokerThread(brokerOptions);
        metrics.external.push(() => thread.metricsText());
        broker = thread;
      }
      closers.push(["broker", () => broker!.close()]);
    }
    const mqttUrl = config.mqttUrl ?? broker!.url;
    // the gateway's own link uses the broker's service listener: never queued behind the devices
    const linkUrl = broker?.serviceUrl ?? mqttUrl;
    // new devices are given the most private way in the broker offers
    const deviceUrl = broker?.tlsUrl ?? broker?.wssUrl ?? mqttUrl;

    // 3. phone network: Twilio, a configured compatible server, or the built-in emulator
    const phone = await startPhone(config, logger, opts.channel, opts.phoneSpeed);
    closers.push(["phone network", () => phone.close()]);

    // 4. effects of committed changes: acks, console frames, outbox wake-ups, hang-ups (as outbox rows)
    let link: MqttLink | null = null;
    let worker: OutboxWorker | null = null;
    const outboxLog = logger.child({ part: "outbox" });
    const dispatch = (fx: Effects) => {
      for (const a of fx.acks) link?.sendAck(a.deviceId, a.ack);
      // a TV message leaves once its row is on disk, so a shown report always finds its row
      for (const c of fx.cmds) durable.after(() => link?.sendCmd(c.deviceId, c.cmd));
      hub.broadcast(fx.events);
      // after the fsync, like the acks: nobody is texted about an alert a power cut could still undo,
      // and the acks and console frames of this batch leave before the Twilio requests are built
      if (fx.wakeOutbox) durable.after(() => worker?.wake());
      // hang-ups and "X is going" redirects are outbox rows (retried, ahead of new calls), stored right after
      storeCallControl({ ctx, fx, now, channel: phone.channel, logger: outboxLog, stored: (events) => (hub.broadcast(events), worker?.wake()) });
    };

    // 5. HTTP (its URL is the webhooks' base unless HK_PUBLIC_URL says otherwise)
    const twilioCfg = { authToken: phone.authToken, publicUrl: config.publicUrl ?? "" };
    const loginGuard = new LoginGuard();
    const doorCodes = DoorCodeCipher.load(config.dataDir, config.doorCodeKey);
    const sealed = sealClearDoorCodes(db, doorCodes);
    if (sealed) logger.info({ sealed }, "door codes stored in clear were sealed");
    bounded.track("login_failures", () => loginGuard.size());
    const { app, routes } = await buildApp({
      ctx, hub, metrics, logger, now, dispatch, ...rotatableAdminToken(db, config.dataDir, config.adminToken, token.digest), loginGuard, trustProxy: config.trustProxy, hashes,
      health: { broker: () => (broker ? broker.isRunning() : true) && Boolean(link?.connected), database: () => db.$client.open, workers: () => Boolean(worker?.isRunning), phone: () => phone.health.status() },
      phonesPanelUrl: phone.network?.url ?? null, deviceMqttUrl: deviceUrl, disconnectDevice: (id) => broker?.disconnectDevice(id), metricsEnabled: config.metrics, doorCodes,
      dashboardDir: opts.dashboardDir ?? DASHBOARD_DIR, twilio: twilioCfg, wakeOutbox: () => worker?.wake(), outbox: () => worker?.status() ?? null,
    });
    await app.listen({ host: config.host, port: config.httpPort });
    closers.push(["http", async () => {
      // open requests get a moment to finish; then every connection is cut (a stop never waits on a client)
      const force = setTimeout(() => app.server.closeAllConnections(), 2_000);
      await app.close();
      clearTimeout(force);
    }]);
    // before the HTTP server (closers run in reverse): app.close() waits for every open connection,
    // and a console's WebSocket stays open until this closes it
    closers.push(["consoles", () => hub.closeAll()]);
    const address = app.server.address();
    const httpUrl = `http://${config.host}:${typeof address === "object" && address ? address.port : config.httpPort}`;
    twilioCfg.publicUrl = config.publicUrl ?? httpUrl;
    phone.setWebhookBase?.(twilioCfg.publicUrl);

    // 6. outbox worker; first, every device last known online must be heard from again within its
    // window (no Last Will comes for one that died while the gateway was down)
    const rearmed = armAfterRestart(ctx, now());
    if (rearmed > 0) logger.info({ devices: rearmed }, "supervision: devices last known online must reconnect within their window");
    worker = new OutboxWorker({
      ctx, channel: phone.channel, logger: outboxLog, metrics, now, dispatch, turnEnd, publicUrl: twilioCfg.publicUrl, provider: phone.health,
      rates: { ...config.rates, ...opts.rates }, ...(opts.loopUtilization ? { loopUtilization: opts.loopUtilization } : {}),
      senders: config.senders ? { sms: [...config.senders.sms], smsPoolSize: config.senders.smsPoolSize, calls: [...config.senders.calls] } : { sms: [EMULATOR_FROM], smsPoolSize: 1, calls: [EMULATOR_FROM] },
    });
    worker.start();
    closers.push(["outbox", () => worker!.stop()]);
    // the district tier's timer: unclaimed alarms go up to the district console (also those due while stopped)
    const escalations = startEscalationLoop({ ctx, hub, now, dispatch, logger: logger.child({ part: "district" }) });
    closers.push(["district escalation", () => escalations.close()]);

    // 7. demo community on an empty database
    const demo = config.demo ? await seedDemo(ctx, config.dataDir, deviceUrl, now(), hashes.derive) : null;

    // 8. last: subscribe, so nothing arrives before everything above is ready
    const ingest = new Ingest({ ctx, logger: logger.child({ part: "ingest" }), metrics, now, dispatch, turnEnd, afterDurable: durable.after });
    closers.push(["ingest", () => ingest.flush()]);
    link = await MqttLink.connect({ url: linkUrl, clientId: "svc:gateway", username: service.username, password: service.password, logger, onMessage: ingest.onMessage, afterDurable: durable.after });
    closers.push(["mqtt link", () => link!.close()]);

    logger.info({ http: httpUrl, mqtt: mqttUrl }, "helpkey is up");
    return {
      logger, httpUrl, mqttUrl, deviceUrl, publicUrl: twilioCfg.publicUrl, generatedAdminToken: token.generated, routes,
      phoneUrl: phone.network?.url ?? null, phone: phone.network, phoneStatus: () => phone.health.status(), demo, ctx, broker, close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
