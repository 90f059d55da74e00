/**
 * An emulated help button / set-top box that behaves as real firmware must (docs/device-protocol.md,
 * version 1): identity, Last Will, status on every connect, the persisted alarm queue with
 * retransmission, acks and commands.
 */
import { EventEmitter } from "node:events";
import { performance } from "node:perf_hooks";
import { backoffMs, type BackoffPolicy } from "@helpkey/shared/backoff";
import { ErrorWithReasonCode, type MqttClient } from "mqtt";
import { pino, type Logger } from "pino";
import {
  ackPayloadSchema, cmdPayloadSchema, deviceIdSchema, parsePayload, topics,
  type AckPayload, type AckState, type AlarmAction, type AlarmKind, type AlarmPayload, type CmdPayload, type DeviceEvent, type StatusPayload,
} from "@helpkey/shared";
import { AlarmQueue } from "./alarm-queue";
import { fileStateStore, memoryStateStore } from "./device-state";
import { openMqttClient } from "./mqtt-transport";
import { ALARM_RETRANSMIT, RECONNECT } from "./retry-policies";
import { AckWaiters } from "./ack-waiters";

export type AlarmTrigger = AlarmPayload["trigger"];

export interface SimDeviceOptions {
  /** The broker: mqtt://, mqtts://, ws://…/mqtt or wss://…/mqtt. */
  url: string;
  id: string;
  secret: string;
  /** seq and the pending queue are kept in `<stateDir>/<id>.json`; without it nothing survives the process. */
  stateDir?: string;
  /** MQTT keepalive, the supervision heartbeat (default 60 s, as docs/device-protocol.md says). */
  keepaliveS?: number;
  battery?: number;
  power?: "mains" | "battery";
  fw?: string;
  /** What the emulated self-test finds when `cmd selftest` asks (default "ok"), and what it says failed. */
  selftest?: "ok" | "failed";
  selftestDetail?: string;
  /** Source IP of the TCP connection, for fleets larger than one address allows (mqtt:// and mqtts://). */
  localAddress?: string;
  /** PEM certificate(s) to trust for mqtts:// and wss://, e.g. the broker's self-signed one. */
  ca?: string;
  logger?: Logger;
  /** Random extra delay before each reconnect (default 1000 ms). */
  reconnectJitterMs?: number;
  /** First reconnect delay, doubled per failed attempt up to 30 s (default 1000 ms). */
  reconnectBaseMs?: number;
  /** Alarm retransmit schedule (default ALARM_RETRANSMIT: 2 s doubling to 30 s). Tests shorten it. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  connectTimeoutMs?: number;
}

export interface PressOptions {
  kind?: AlarmKind;
  trigger?: AlarmTrigger;
  action?: AlarmAction;
  location?: string;
  /** A service request's category key (the green key's menu). */
  category?: string;
}

export interface SimDeviceEvents {
  /** Connected, status published, `ack` and `cmd` subscribed: alarms flow from here on. */
  connect: [];
  /** Lost the connection (it reconnects by itself until close() or kill()). */
  offline: [];
  ack: [AckPayload];
  cmd: [CmdPayload];
  /** The broker refused the CONNECT (3.1.1 return code 4: bad id or secret, 5: not authorized). */
  refused: [{ code: number; message: string }];
  /** A connection attempt failed below MQTT (broker down, DNS, …). */
  "connect-failed": [Error];
  /** One PUBLISH of an alarm; attempt 1 is the first, higher ones are retransmissions. */
  sent: [{ seq: number; attempt: number; at: number }];
}

export interface SimDevice extends EventEmitter<SimDeviceEvents> {
  readonly id: string;
  readonly connected: boolean;
  readonly lastSeq: number;
  readonly pending: readonly AlarmPayload[];
  readonly statePath: string | undefined;
  /** The keepalive of the current connection (a `cmd config keepaliveS` applies from the next one). */
  readonly keepaliveS: number;
  press(opts?: PressOptions): { seq: number };
  /** A new battery level, reported at once in a fresh `status` (and in every later one). */
  reportBattery(percent: number): void;
  /** What the next self-tests find. */
  setSelftestResult(result: "ok" | "failed", detail?: string): void;
  /** Publishes a signal that is not an alarm (topic `event`, QoS 1, never retained); mqtt.js holds it while offline. */
  sendEvent(event: DeviceEvent): void;
  waitForAck(seq: number, state?: AckState, timeoutMs?: number): Promise<AckPayload>;
  waitForConnect(timeoutMs?: number): Promise<void>;
  /** Clean end: DISCONNECT is sent; the broker drops the Last Will and says offline for the device itself. */
  close(): Promise<void>;
  /** Abrupt end: the socket is destroyed, so the broker publishes the Last Will `{online:false}`. */
  kill(): Promise<void>;
}

const DEFAULT_FW = "helpkey-sim/1.0";
/** close() waits this long for in-flight PUBACKs before dropping the socket. */
const CLOSE_GRACE_MS = 2_000;

class SimDeviceImpl extends EventEmitter<SimDeviceEvents> implements SimDevice {
  readonly id: string;
  readonly statePath: string | undefined;
  readonly #log: Logger;
  readonly #queue: AlarmQueue;
  readonly #client: MqttClient;
  readonly #acks = new AckWaiters();
  readonly #reconnect: Readonly<BackoffPolicy>;
  readonly #status: StatusPayload;
  #selftest: { result: "ok" | "failed"; detail: string | undefined };
  #keepaliveS: number;
  #ready = false;
  #stopped = false;
  #failures = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;

  constructor(opts: SimDeviceOptions) {
    super();
    const id = deviceIdSchema.safeParse(opts.id);
    if (!id.success) throw new Error(`device id "${opts.id}" is invalid: use 3-64 of A-Z a-z 0-9 _ -`);
    this.id = opts.id;
    this.#log = (opts.logger ?? pino({ level: "silent" })).child({ device: this.id });
    this.#status = { online: true, battery: opts.battery ?? 100, fw: opts.fw ?? DEFAULT_FW, power: opts.power ?? "mains" };
    this.#selftest = { result: opts.selftest ?? "ok", detail: opts.selftestDetail };
    this.#keepaliveS = opts.keepaliveS ?? 60;
    this.#reconnect = { ...RECONNECT, baseMs: opts.reconnectBaseMs ?? RECONNECT.baseMs, jitterMs: opts.reconnectJitterMs ?? RECONNECT.jitterMs };
    const store = opts.stateDir ? fileStateStore(opts.stateDir, this.id) : memoryStateStore();
    this.statePath = store.path;
    const policy = { baseMs: opts.backoffBaseMs ?? ALARM_RETRANSMIT.baseMs, capMs: opts.backoffCapMs ?? ALARM_RETRANSMIT.capMs };
    this.#queue = new AlarmQueue(store, policy, (alarm, attempt) => this.#sendAlarm(alarm, attempt));

    this.#client = openMqttClient(opts.url, {
      protocolVersion: 4, // MQTT 3.1.1, the protocol's transport; aedes refuses 5 anyway
      clientId: this.id, // client id = username = device id (docs/device-protocol.md "Identity")
      username: this.id,
      password: opts.secret,
      keepalive: opts.keepaliveS ?? 60,
      // Clean session: an ack missed while offline is recovered by retransmitting the alarm, and a
      // persistent session's queue is capped by the broker, so it may drop acks (docs/device-protocol.md).
      clean: true,
      // Our own reconnect loop adds backoff and jitter (retry-policies.ts); mqtt.js's is a fixed period.
      reconnectPeriod: 0,
      resubscribe: false, // we subscribe on every connect ourselves
      connectTimeout: opts.connectTimeoutMs ?? 10_000,
      will: { topic: topics.status(this.id), payload: Buffer.from(JSON.stringify({ online: false })), qos: 1, retain: true },
    }, { localAddress: opts.localAddress, ca: opts.ca });
    this.#client.on("connect", () => void this.#onConnect());
    this.#client.on("message", (topic, payload) => this.#onMessage(topic, payload));
    this.#client.on("close", () => this.#onClose());
    this.#client.on("error", (err) => this.#onError(err));
  }

  get connected(): boolean {
    return this.#ready;
  }

  get lastSeq(): number {
    return this.#queue.lastSeq;
  }

  get pending(): readonly AlarmPayload[] {
    return this.#queue.pending;
  }

  get keepaliveS(): number {
    return this.#keepaliveS;
  }

  reportBattery(percent: number): void {
    this.#status.battery = percent;
    if (this.#client.connected) this.#publishStatus();
  }

  setSelftestResult(result: "ok" | "failed", detail?: string): void {
    this.#selftest = { result, detail };
  }

  press(opts: PressOptions = {}): { seq: number } {
    if (this.#stopped) throw new Error(`device ${this.id} is closed`);
    const alarm = this.#queue.add({
      ts: Date.now(),
      action: opts.action ?? "raise",
      kind: opts.kind ?? "emergency",
      trigger: opts.trigger ?? "button",
      battery: this.#status.battery,
      ...(opts.location === undefined ? {} : { location: opts.location }),
      ...(opts.category === undefined ? {} : { category: opts.category }),
    });
    this.#log.info({ seq: alarm.seq, action: alarm.action, kind: alarm.kind }, "pressed");
    return { seq: alarm.seq };
  }

  sendEvent(event: DeviceEvent): void {
    if (this.#stopped) throw new Error(`device ${this.id} is closed`);
    this.#client.publish(topics.event(this.id), JSON.stringify(event), { qos: 1 }, (err) => {
      if (err) this.#log.warn({ err, type: event.type }, "event publish failed");
    });
  }

  waitForAck(seq: number, state: AckState = "received", timeoutMs = 10_000): Promise<AckPayload> {
    return this.#acks.wait(seq, state, timeoutMs);
  }

  waitForConnect(timeoutMs = 10_000): Promise<void> {
    if (this.#ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off("connect", onConnect);
        reject(new Error(`device ${this.id} did not connect within ${timeoutMs} ms`));
      }, timeoutMs);
      const onConnect = () => {
        clearTimeout(timer);
        resolve();
      };
      this.once("connect", onConnect);
    });
  }

  async close(): Promise<void> {
    this.#stop("closed");
    // Not connected: there is nobody to say DISCONNECT to (and mqtt.js would wait forever for the
    // PUBACKs of publishes that died with the old socket).
    if (!this.#client.connected) return this.#client.endAsync(true);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.#client.stream.destroy();
        resolve();
      }, CLOSE_GRACE_MS);
    });
    await Promise.race([this.#client.endAsync(false), grace]);
    clearTimeout(timer);
  }

  async kill(): Promise<void> {
    this.#stop("killed");
    await this.#client.endAsync(true);
  }

  #stop(why: string): void {
    this.#stopped = true;
    this.#ready = false;
    clearTimeout(this.#reconnectTimer);
    this.#queue.offline();
    this.#acks.rejectAll(new Error(`device ${this.id} ${why}`));
  }

  /** Status on every connect, then own `ack` and `cmd` (QoS 1), then the pending queue (docs/device-protocol.md). */
  async #onConnect(): Promise<void> {
    this.#failures = 0;
    this.#keepaliveS = this.#client.options.keepalive ?? this.#keepaliveS;
    this.#log.debug("connected");
    this.#publishStatus();
    try {
      // Subscribed before any alarm goes out, so an ack can't arrive before we listen for it.
      await this.#client.subscribeAsync({ [topics.ack(this.id)]: { qos: 1 }, [topics.cmd(this.id)]: { qos: 1 } });
    } catch (err) {
      this.#log.error({ err }, "subscribe failed");
      return;
    }
    if (this.#stopped || !this.#client.connected) return;
    this.#ready = true;
    this.#queue.online();
    this.emit("connect");
  }

  /** `extra`: a self-test's result, carried by the status that answers `cmd selftest` only. */
  #publishStatus(extra: Partial<StatusPayload> = {}): void {
    this.#client.publish(topics.status(this.id), JSON.stringify({ ...this.#status, ...extra }), { qos: 1, retain: true }, (err) => {
      if (err) this.#log.warn({ err }, "status publish failed");
    });
  }

  #sendAlarm(alarm: AlarmPayload, attempt: number): void {
    this.#client.publish(topics.alarm(this.id), JSON.stringify(alarm), { qos: 1 }, (err) => {
      if (err) this.#log.debug({ err, seq: alarm.seq }, "alarm publish interrupted; it will be sent again");
    });
    this.#log.debug({ seq: alarm.seq, attempt }, "alarm sent");
    this.emit("sent", { seq: alarm.seq, attempt, at: performance.now() });
  }

  #onMessage(topic: string, payload: Buffer): void {
    if (topic === topics.ack(this.id)) {
      const ack = parsePayload(ackPayloadSchema, payload);
      if (!ack.ok) return void this.#log.warn({ code: ack.code, reason: ack.message }, "ignored bad ack");
      this.#queue.ack(ack.value.seq);
      this.#acks.record(ack.value);
      this.emit("ack", ack.value);
    } else if (topic === topics.cmd(this.id)) {
      const cmd = parsePayload(cmdPayloadSchema, payload);
      if (!cmd.ok) return void this.#log.warn({ code: cmd.code, reason: cmd.message }, "ignored bad cmd");
      this.#applyCmd(cmd.value);
      this.emit("cmd", cmd.value);
    }
  }

  #applyCmd(cmd: CmdPayload): void {
    if (cmd.type === "config" && cmd.keepaliveS !== undefined) {
      // MQTT fixes keepalive in CONNECT, so the new heartbeat starts with the next connection.
      this.#client.options.keepalive = cmd.keepaliveS;
    } else if (cmd.type === "selftest") {
      // the self-test's result is a fresh status (protocol v1.2: `selftest`, and `detail` on a failure)
      const { result, detail } = this.#selftest;
      this.#publishStatus({ selftest: result, ...(result === "failed" && detail ? { detail } : {}) });
    }
  }

  #onClose(): void {
    const wasReady = this.#ready;
    this.#ready = false;
    this.#queue.offline();
    if (wasReady) this.emit("offline");
    if (this.#stopped) return;
    clearTimeout(this.#reconnectTimer);
    const delay = backoffMs(++this.#failures, this.#reconnect);
    this.#log.debug({ delay }, "reconnecting");
    this.#reconnectTimer = setTimeout(() => {
      if (!this.#stopped) this.#client.reconnect();
    }, delay);
  }

  #onError(err: Error): void {
    if (err instanceof ErrorWithReasonCode && (err.code === 4 || err.code === 5)) {
      this.#log.warn({ code: err.code }, "connection refused");
      this.emit("refused", { code: err.code, message: err.message });
    } else {
      this.#log.debug({ err }, "connection error");
      this.emit("connect-failed", err);
    }
  }
}

export function createSimDevice(opts: SimDeviceOptions): SimDevice {
  return new SimDeviceImpl(opts);
}
