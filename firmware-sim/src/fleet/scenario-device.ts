/**
 * A light help button for `pnpm sim fleet`: a light link (light-link.ts: a socket and an mqtt-packet
 * parser) and a few fields, so a fleet of thousands fits in a process, with the knobs the scenarios
 * turn: the link dropped without DISCONNECT, a reboot that keeps `seq` and the queue, a clock hours
 * off, a battery that runs down, and a device that goes silent.
 *
 * The device rules of docs/device-protocol.md beyond the link's: on every connect `status`
 * (retained), then every queued alarm; `seq` strictly increasing; an alarm is published again (same
 * payload, new packet id) every 2, 4, 8 … 30 s and after each reconnect until an `ack` with its seq
 * arrives; `cmd config` keepaliveS applies from the next CONNECT; `cmd selftest` answers with a fresh
 * status.
 */
import type { Socket } from "node:net";
import { cmdPayloadSchema, parsePayload, topics, type AckPayload, type AlarmKind } from "@helpkey/shared";
import { backoffMs } from "@helpkey/shared/backoff";
import { ALARM_RETRANSMIT } from "../retry-policies";
import { hrNow, type DeviceCredentials, type Endpoint, type PressRecord, type ScenarioDeviceHooks } from "./device-record";
import { LightLink } from "./light-link";

export { hrNow, type DeviceCredentials, type Endpoint, type PressRecord, type ScenarioDeviceHooks } from "./device-record";

interface Queued {
  payload: string;
  record: PressRecord;
  /** When to publish again (hrNow ms); 0 while offline. */
  dueAt: number;
}

/** on: connected or reconnecting; off: stopped (or rebooting); silent: power gone, the socket left for the broker to close. */
type Power = "on" | "off" | "silent";

export class ScenarioDevice {
  readonly topicAlarm: string;
  readonly link: LightLink;
  seq: number;
  battery = 100;
  /** Added to the device's clock in every alarm's `ts`. */
  clockOffsetMs = 0;
  readonly presses: PressRecord[] = [];
  readonly queue = new Map<number, Queued>();
  /** Status payloads published, the battery of each (the dead-battery scenario's record). */
  readonly batteries: number[] = [];
  reboots = 0;
  /** Connections that closed other than by this device's own DISCONNECT or reboot. */
  drops = 0;
  /** When the device went silent, and when the broker closed its connection afterwards (hrNow). */
  silentAt: number | null = null;
  droppedAt: number | null = null;
  #power: Power = "off";
  #timer: NodeJS.Timeout | undefined;
  #endpoint: Endpoint | null = null;

  constructor(readonly index: number, readonly creds: DeviceCredentials, private readonly hooks: ScenarioDeviceHooks, o: { keepaliveS: number; seqFrom: number }) {
    this.topicAlarm = topics.alarm(creds.id);
    this.seq = o.seqFrom;
    this.link = new LightLink(creds.id, creds.secret, {
      connected: () => this.#publishStatus(),
      ready: (at) => {
        this.hooks.ready(this, at);
        for (const q of this.queue.values()) this.#publishAlarm(q);
      },
      message: (topic, payload) => {
        if (topic === this.link.topicAck) this.#onAck(payload);
        else if (topic === this.link.topicCmd) this.#onCmd(payload);
      },
      refused: (rc) => {
        this.hooks.refused(this, rc);
        this.#power = "off";
        this.link.stop();
      },
      closed: (wasReady) => this.#onClose(wasReady),
    }, o.keepaliveS);
  }

  get id(): string {
    return this.creds.id;
  }

  get socket(): Socket | null {
    return this.link.socket;
  }

  get ready(): boolean {
    return this.link.ready;
  }

  /** The keepalive of the current connection (a `cmd config` changes the next one's). */
  get keepaliveS(): number {
    return this.link.keepaliveS;
  }

  get silent(): boolean {
    return this.#power === "silent";
  }

  start(ep: Endpoint): void {
    this.#endpoint = ep;
    this.#power = "on";
    this.link.start(ep);
  }

  /** Clean end: DISCONNECT (the broker drops the Last Will and says offline for the device itself). No reconnect. A silent device's socket is just closed. */
  stop(): void {
    clearTimeout(this.#timer);
    this.link.stop();
    if (this.#power === "silent") return void this.link.socket?.destroy();
    this.#power = "off";
    this.link.end();
  }

  /** A press: the next seq, queued, published at once when connected. */
  press(kind: AlarmKind = "emergency"): PressRecord {
    const seq = ++this.seq;
    const ts = Math.round(Date.now() + this.clockOffsetMs);
    const record: PressRecord = { seq, ts, sentAt: null, ackAt: null, alertId: null, publishes: 0 };
    const q: Queued = { payload: JSON.stringify({ seq, ts, action: "raise", kind, trigger: "button", battery: this.battery }), record, dueAt: 0 };
    this.presses.push(record);
    this.queue.set(seq, q);
    if (this.ready) this.#publishAlarm(q);
    return record;
  }

  /** The battery level, published as a fresh status while connected (and in every later connect's status). */
  setBattery(pct: number): void {
    this.battery = Math.max(0, Math.min(100, Math.round(pct)));
    if (this.ready) this.#publishStatus();
  }

  /** The link drops without DISCONNECT (the broker publishes the Last Will); the device reconnects by itself. */
  dropLink(): void {
    this.link.cut();
  }

  /**
   * A power cycle: the connection dies without DISCONNECT, and after `bootMs` the device connects
   * again with its seq and its queue, both kept in non-volatile memory.
   */
  reboot(bootMs: number): void {
    if (this.#power !== "on") return;
    this.reboots++;
    this.#power = "off";
    this.link.stop();
    this.link.cut();
    this.#timer = setTimeout(() => this.start(this.#endpoint!), bootMs);
  }

  /**
   * The battery is flat: from now on the device sends nothing at all (no PINGREQ, no PUBACK, no
   * DISCONNECT) and never reconnects. Its socket stays open until the broker gives up on the
   * keepalive (1.5 × keepalive) and publishes the Last Will; what arrives meanwhile is read and dropped.
   */
  goSilent(): void {
    if (this.#power !== "on") return;
    this.#power = "silent";
    this.silentAt = hrNow();
    this.link.stop();
    this.link.muted = true;
  }

  /** Publishes queued alarms whose retransmission time has come (called by the fleet's ticker). */
  retransmitDue(now: number): void {
    if (!this.ready || this.#power !== "on") return;
    for (const q of this.queue.values()) if (q.dueAt !== 0 && q.dueAt <= now) this.#publishAlarm(q);
  }

  /** The keepalive heartbeat (called by the fleet's ticker). */
  keepalive(now: number): void {
    if (this.#power === "on") this.link.keepalive(now);
  }

  #onAck(payload: Buffer | string): void {
    const at = hrNow();
    let ack: AckPayload;
    try {
      ack = JSON.parse(payload.toString()) as AckPayload;
    } catch {
      return;
    }
    const q = typeof ack.seq === "number" ? this.queue.get(ack.seq) : undefined;
    if (!q) return; // a later ack of the alert, or a retransmission acked twice
    this.queue.delete(ack.seq);
    q.record.ackAt = at;
    q.record.alertId = ack.alertId;
    this.hooks.acked(this, q.record, ack, at);
  }

  #onCmd(payload: Buffer | string): void {
    const cmd = parsePayload(cmdPayloadSchema, payload);
    if (!cmd.ok) return; // a cmd this device does not know is ignored (docs/device-protocol.md)
    if (cmd.value.type === "config" && cmd.value.keepaliveS !== undefined) this.link.nextKeepaliveS = cmd.value.keepaliveS;
    if (cmd.value.type === "selftest") this.#publishStatus();
  }

  #publishStatus(): void {
    this.batteries.push(this.battery);
    const status = JSON.stringify({ online: true, battery: this.battery, fw: "helpkey-fleet/1.0", power: "battery" });
    this.link.publish(this.link.topicStatus, status, true);
  }

  #publishAlarm(q: Queued): void {
    const r = q.record;
    r.publishes += 1;
    const at = hrNow();
    if (r.sentAt === null) r.sentAt = at;
    this.link.publish(this.topicAlarm, q.payload, false);
    q.dueAt = at + backoffMs(r.publishes, ALARM_RETRANSMIT);
    this.hooks.sent(this, r.seq, r.publishes);
  }

  #onClose(wasReady: boolean): void {
    const remote = this.#power !== "off";
    for (const q of this.queue.values()) q.dueAt = 0; // published again at once on the next connect
    if (this.#power === "silent") this.droppedAt = hrNow();
    if (remote) this.drops++;
    this.hooks.closed(this, wasReady, remote);
  }
}
