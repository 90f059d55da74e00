/**
 * A light help button for `pnpm sim fleet`: a socket, an mqtt-packet parser and a few fields, so a
 * fleet of thousands fits in a process (as the bench's light-device.ts), with the knobs the
 * scenarios turn: the link dropped without DISCONNECT, a reboot that keeps `seq` and the queue, a
 * clock hours off, a battery that runs down, and a device that goes silent.
 *
 * The device rules of docs/device-protocol.md: client id = username = device id, password = the
 * secret; Last Will `{online:false}` (QoS 1, retained); on every connect `status` (retained), then
 * SUBSCRIBE to its own `ack` and `cmd`, then every queued alarm; `seq` strictly increasing; an alarm
 * is published again (same payload, new packet id) every 2, 4, 8 … 30 s and after each reconnect
 * until an `ack` with its seq arrives; `cmd config` keepaliveS applies from the next CONNECT;
 * `cmd selftest` answers with a fresh status.
 */
import { connect as netConnect, type Socket } from "node:net";
import { cmdPayloadSchema, parsePayload, topics, type AckPayload, type AlarmKind } from "@helpkey/shared";
import { backoffMs } from "@helpkey/shared/backoff";
import { generate, parser, type Packet } from "mqtt-packet";
import { ALARM_RETRANSMIT, RECONNECT } from "../retry-policies";
import { hrNow, type DeviceCredentials, type Endpoint, type PressRecord, type ScenarioDeviceHooks } from "./device-record";

export { hrNow, type DeviceCredentials, type Endpoint, type PressRecord, type ScenarioDeviceHooks } from "./device-record";

interface Queued {
  payload: string;
  record: PressRecord;
  /** When to publish again (hrNow ms); 0 while offline. */
  dueAt: number;
}

const WILL = JSON.stringify({ online: false });
const PINGREQ = generate({ cmd: "pingreq" });
const DISCONNECT = generate({ cmd: "disconnect" });
/** No CONNACK within this: give up and back off. */
const CONNECT_TIMEOUT_MS = 10_000;

/** on: connected or reconnecting; off: stopped (or rebooting); silent: power gone, the socket left for the broker to close. */
type Power = "on" | "off" | "silent";

export class ScenarioDevice {
  readonly topics: { alarm: string; status: string; ack: string; cmd: string };
  socket: Socket | null = null;
  ready = false;
  seq: number;
  battery = 100;
  /** Added to the device's clock in every alarm's `ts`. */
  clockOffsetMs = 0;
  keepaliveS: number;
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
  lastTxAt = 0;
  pingSince = 0;
  #power: Power = "off";
  #packetId = 0;
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  #endpoint: Endpoint | null = null;
  /** keepaliveS a `cmd config` asked for: used from the next CONNECT. */
  #nextKeepaliveS: number | null = null;

  constructor(readonly index: number, readonly creds: DeviceCredentials, private readonly hooks: ScenarioDeviceHooks, o: { keepaliveS: number; seqFrom: number }) {
    this.topics = { alarm: topics.alarm(creds.id), status: topics.status(creds.id), ack: topics.ack(creds.id), cmd: topics.cmd(creds.id) };
    this.keepaliveS = o.keepaliveS;
    this.seq = o.seqFrom;
  }

  get id(): string {
    return this.creds.id;
  }

  get silent(): boolean {
    return this.#power === "silent";
  }

  start(ep: Endpoint): void {
    this.#endpoint = ep;
    this.#power = "on";
    this.#open();
  }

  /** Clean end: DISCONNECT (the broker drops the Last Will and says offline for the device itself). No reconnect. A silent device's socket is just closed. */
  stop(): void {
    clearTimeout(this.#timer);
    if (this.#power === "silent") return void this.socket?.destroy();
    this.#power = "off";
    const s = this.socket;
    if (s && !s.destroyed) {
      s.end(DISCONNECT);
      s.destroySoon();
    }
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
    this.#cut();
  }

  /** The connection is gone for the device at once (not when the socket's close event comes round). */
  #cut(): void {
    const s = this.socket;
    if (!s) return;
    this.#onClose(s);
    s.destroy();
  }

  /**
   * A power cycle: the connection dies without DISCONNECT, and after `bootMs` the device connects
   * again with its seq and its queue, both kept in non-volatile memory.
   */
  reboot(bootMs: number): void {
    if (this.#power !== "on") return;
    this.reboots++;
    this.#power = "off";
    clearTimeout(this.#timer);
    this.#cut();
    this.#timer = setTimeout(() => {
      this.#failures = 0;
      this.start(this.#endpoint!);
    }, bootMs);
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
    clearTimeout(this.#timer);
  }

  /** Publishes queued alarms whose retransmission time has come (called by the fleet's ticker). */
  retransmitDue(now: number): void {
    if (!this.ready || this.#power !== "on") return;
    for (const q of this.queue.values()) if (q.dueAt !== 0 && q.dueAt <= now) this.#publishAlarm(q);
  }

  /** The keepalive heartbeat [MQTT-3.1.2-23] (called by the fleet's ticker). */
  keepalive(now: number): void {
    if (!this.ready || !this.socket || this.#power !== "on") return;
    if (this.pingSince && now - this.pingSince > this.keepaliveS * 500) {
      this.socket.destroy(); // no PINGRESP within half a keepalive: the connection is dead
      return;
    }
    if (now - this.lastTxAt >= this.keepaliveS * 1000) {
      this.pingSince = now;
      this.#write(PINGREQ);
    }
  }

  #nextId(): number {
    this.#packetId = (this.#packetId % 65535) + 1;
    return this.#packetId;
  }

  #write(b: Buffer): void {
    if (this.#power === "silent") return;
    this.lastTxAt = hrNow();
    this.socket?.write(b);
  }

  #open(): void {
    const ep = this.#endpoint!;
    if (this.#nextKeepaliveS !== null) this.keepaliveS = this.#nextKeepaliveS;
    const s = netConnect({ host: ep.host, port: ep.port, noDelay: true, ...(ep.localAddress ? { localAddress: ep.localAddress } : {}) });
    this.socket = s;
    const connectTimer = setTimeout(() => {
      if (!this.ready && this.socket === s) s.destroy();
    }, CONNECT_TIMEOUT_MS);
    s.once("close", () => clearTimeout(connectTimer));
    // a parser per connection: a new one after a reconnect holds none of the old bytes
    const packets = parser({ protocolVersion: 4 });
    packets.on("packet", (p: Packet) => this.#onPacket(s, p));
    packets.on("error", () => s.destroy());
    s.on("connect", () => {
      this.#write(generate({
        cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, keepalive: this.keepaliveS,
        clientId: this.id, username: this.id, password: Buffer.from(this.creds.secret),
        will: { topic: this.topics.status, payload: Buffer.from(WILL), qos: 1, retain: true },
      }));
    });
    s.on("data", (chunk: Buffer) => void packets.parse(chunk));
    s.on("error", () => undefined); // "close" follows
    s.on("close", () => this.#onClose(s));
  }

  #onPacket(s: Socket, packet: Packet): void {
    if (this.socket !== s || this.#power === "silent") return;
    switch (packet.cmd) {
      case "connack": {
        const rc = packet.returnCode ?? 255;
        if (rc !== 0) {
          this.hooks.refused(this, rc);
          this.#power = "off";
          s.destroy();
          return;
        }
        // status on every connect, then own ack and cmd, then the queue
        this.#publishStatus();
        this.#write(generate({ cmd: "subscribe", messageId: this.#nextId(), subscriptions: [{ topic: this.topics.ack, qos: 1 }, { topic: this.topics.cmd, qos: 1 }] }));
        return;
      }
      case "suback": {
        if (this.ready) return;
        this.#failures = 0;
        this.ready = true;
        this.hooks.ready(this, hrNow());
        for (const q of this.queue.values()) this.#publishAlarm(q);
        return;
      }
      case "publish": {
        if (packet.qos > 0) this.#write(generate({ cmd: "puback", messageId: packet.messageId! }));
        if (packet.topic === this.topics.ack) this.#onAck(packet.payload);
        else if (packet.topic === this.topics.cmd) this.#onCmd(packet.payload);
        return;
      }
      case "pingresp":
        this.pingSince = 0;
        return;
      default:
        return; // PUBACKs of our own publishes: an alarm's fate is decided by the app-level ack
    }
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
    if (cmd.value.type === "config" && cmd.value.keepaliveS !== undefined) this.#nextKeepaliveS = cmd.value.keepaliveS;
    if (cmd.value.type === "selftest") this.#publishStatus();
  }

  #publishStatus(): void {
    this.batteries.push(this.battery);
    const status = JSON.stringify({ online: true, battery: this.battery, fw: "helpkey-fleet/1.0", power: "battery" });
    this.#write(generate({ cmd: "publish", topic: this.topics.status, payload: status, qos: 1, messageId: this.#nextId(), retain: true, dup: false }));
  }

  #publishAlarm(q: Queued): void {
    const r = q.record;
    r.publishes += 1;
    const at = hrNow();
    if (r.sentAt === null) r.sentAt = at;
    this.#write(generate({ cmd: "publish", topic: this.topics.alarm, payload: q.payload, qos: 1, messageId: this.#nextId(), retain: false, dup: false }));
    q.dueAt = at + backoffMs(r.publishes, ALARM_RETRANSMIT);
    this.hooks.sent(this, r.seq, r.publishes);
  }

  #onClose(s: Socket): void {
    if (this.socket !== s) return;
    const wasReady = this.ready;
    const remote = this.#power !== "off";
    this.ready = false;
    this.socket = null;
    this.pingSince = 0;
    for (const q of this.queue.values()) q.dueAt = 0; // published again at once on the next connect
    if (this.#power === "silent") this.droppedAt = hrNow();
    if (remote) this.drops++;
    this.hooks.closed(this, wasReady, remote);
    if (this.#power !== "on") return;
    const delay = backoffMs(++this.#failures, RECONNECT);
    this.#timer = setTimeout(() => {
      if (this.#power === "on") this.#open();
    }, delay);
  }
}
