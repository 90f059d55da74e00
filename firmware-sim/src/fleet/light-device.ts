/**
 * A lightweight emulated help button for fleets: the device rules of docs/device-protocol.md on the
 * paths a benchmark measures. A fleet of 19,000 shares two cores with the server it measures, so each
 * device is a socket, an mqtt-packet parser and a handful of fields rather than an mqtt.js client
 * with its own timers and stores:
 * - client id = username = device id, password = the secret; Last Will `{online:false}` on its
 *   status topic (QoS 1, retained); clean session, keepalive (default 60 s) with PINGREQ;
 * - on every connect: status `{online:true,…}` (QoS 1, retained), then SUBSCRIBE to its own `ack`
 *   and `cmd` (QoS 1), then every pending alarm is published again;
 * - `seq` strictly increasing per device (kept by the fleet process for its whole life); an alarm is
 *   republished (same seq, new packet id) every 2, 4, 8, … s capped at 30 s until an `ack` with that
 *   seq arrives; incoming QoS 1 messages are PUBACKed;
 * - reconnects with doubling backoff and random jitter (retry-policies.ts, as createSimDevice).
 * Not emulated: persistence of seq/queue to disk across *process* restarts (the fleet process lives
 * for the whole benchmark), `cmd` handling beyond acknowledging it, TLS and WebSocket transports.
 */
import { connect as netConnect, type Socket } from "node:net";
import { topics, type AckPayload } from "@helpkey/shared";
import { backoffMs } from "@helpkey/shared/backoff";
import { generate, parser, type Packet } from "mqtt-packet";
import { ALARM_RETRANSMIT, RECONNECT } from "../retry-policies";

/** Wall-clock milliseconds with sub-millisecond resolution; comparable across processes on one machine. */
export const hrNow = (): number => performance.timeOrigin + performance.now();

export interface Endpoint {
  host: string;
  port: number;
  localAddress?: string | undefined;
}

export interface LightDeviceHooks {
  /** Connected, status published, subscribed: alarms flow from here on. */
  ready(d: LightDevice, at: number): void;
  /** The first ack of a pending seq (later acks of it are counted as repeats). */
  acked(d: LightDevice, seq: number, ack: AckPayload, at: number): void;
  /** Every PUBLISH of an alarm (attempt 1 is the press itself). */
  sent(d: LightDevice, seq: number, attempt: number, at: number): void;
  /** The connection closed (it reconnects by itself unless stopped). */
  closed(d: LightDevice, wasReady: boolean): void;
  /** CONNACK with a non-zero return code [MQTT-3.2.2.3]. */
  refused(d: LightDevice, returnCode: number): void;
}

interface Pending {
  payload: string;
  publishes: number;
  /** When to publish again (hrNow ms); 0 while offline. */
  dueAt: number;
}

const STATUS = JSON.stringify({ online: true, battery: 100, fw: "helpkey-fleet/1.0", power: "mains" });
const WILL = JSON.stringify({ online: false });
const PINGREQ = generate({ cmd: "pingreq" });
const DISCONNECT = generate({ cmd: "disconnect" });
/** No CONNACK within this (a SYN lost in a full backlog, a stuck broker): give up and back off (as createSimDevice). */
const CONNECT_TIMEOUT_MS = 10_000;

export class LightDevice {
  readonly topicAlarm: string;
  readonly topicStatus: string;
  readonly topicAck: string;
  readonly topicCmd: string;
  socket: Socket | null = null;
  ready = false;
  seq = 0;
  readonly pending = new Map<number, Pending>();
  /** Acks that arrived for a seq no longer pending (retransmissions acked twice): counted, harmless. */
  repeatAcks = 0;
  /** Connections this device closed for want of a PINGRESP. */
  pingTimeouts = 0;
  lastTxAt = 0;
  pingSince = 0;
  #packetId = 0;
  #failures = 0;
  #stopped = true;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly index: number,
    readonly id: string,
    private readonly secret: string,
    private readonly hooks: LightDeviceHooks,
    readonly keepaliveS = 60,
  ) {
    this.topicAlarm = topics.alarm(id);
    this.topicStatus = topics.status(id);
    this.topicAck = topics.ack(id);
    this.topicCmd = topics.cmd(id);
  }

  start(ep: Endpoint): void {
    this.#stopped = false;
    this.#open(ep);
  }

  /** Clean end: DISCONNECT (the broker drops the Last Will and says offline for the device itself). No reconnect. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const s = this.socket;
    if (s && !s.destroyed) {
      s.end(DISCONNECT);
      s.destroySoon();
    }
  }

  press(): number {
    const seq = ++this.seq;
    const payload = JSON.stringify({ seq, ts: Date.now(), action: "raise", kind: "emergency", trigger: "button", battery: 100 });
    const p: Pending = { payload, publishes: 0, dueAt: 0 };
    this.pending.set(seq, p);
    if (this.ready) this.#publishAlarm(seq, p);
    return seq;
  }

  /** Called by the fleet's ticker: republishes alarms whose retransmission time has come. */
  retransmitDue(now: number): void {
    if (!this.ready) return;
    for (const [seq, p] of this.pending) if (p.dueAt !== 0 && p.dueAt <= now) this.#publishAlarm(seq, p);
  }

  /** Called by the fleet's ticker: the keepalive heartbeat [MQTT-3.1.2-23]. */
  keepalive(now: number): void {
    if (!this.ready || !this.socket) return;
    if (this.pingSince && now - this.pingSince > this.keepaliveS * 500) {
      this.pingTimeouts++;
      this.socket.destroy(); // no PINGRESP in half a keepalive: the connection is dead
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
    this.lastTxAt = hrNow();
    this.socket?.write(b);
  }

  #open(ep: Endpoint): void {
    const s = netConnect({ host: ep.host, port: ep.port, noDelay: true, ...(ep.localAddress ? { localAddress: ep.localAddress } : {}) });
    this.socket = s;
    const connectTimer = setTimeout(() => {
      if (!this.ready && this.socket === s) s.destroy();
    }, CONNECT_TIMEOUT_MS);
    s.once("close", () => clearTimeout(connectTimer));
    // a parser per connection: a new one after a reconnect holds none of the old bytes
    const packets = parser({ protocolVersion: 4 });
    packets.on("packet", this.#onPacket);
    packets.on("error", () => s.destroy());
    s.on("connect", () => {
      this.#write(generate({
        cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, keepalive: this.keepaliveS,
        clientId: this.id, username: this.id, password: Buffer.from(this.secret),
        will: { topic: this.topicStatus, payload: Buffer.from(WILL), qos: 1, retain: true },
      }));
    });
    s.on("data", (chunk: Buffer) => void packets.parse(chunk));
    s.on("error", () => undefined); // "close" follows
    s.on("close", () => this.#onClose(ep, s));
  }

  #onPacket = (packet: Packet): void => {
    switch (packet.cmd) {
      case "connack": {
        const rc = packet.returnCode ?? 255;
        if (rc !== 0) {
          this.hooks.refused(this, rc);
          this.socket?.destroy();
          return;
        }
        // status on every connect, then own ack and cmd, then the pending queue
        this.#write(generate({ cmd: "publish", topic: this.topicStatus, payload: STATUS, qos: 1, messageId: this.#nextId(), retain: true, dup: false }));
        this.#write(generate({ cmd: "subscribe", messageId: this.#nextId(), subscriptions: [{ topic: this.topicAck, qos: 1 }, { topic: this.topicCmd, qos: 1 }] }));
        return;
      }
      case "suback": {
        if (this.ready) return;
        this.#failures = 0;
        this.ready = true;
        this.hooks.ready(this, hrNow());
        for (const [seq, p] of this.pending) this.#publishAlarm(seq, p);
        return;
      }
      case "publish": {
        if (packet.qos > 0) this.#write(generate({ cmd: "puback", messageId: packet.messageId! }));
        if (packet.topic === this.topicAck) this.#onAck(packet.payload);
        return;
      }
      case "pingresp":
        this.pingSince = 0;
        return;
      default:
        return; // PUBACKs of our own publishes: the alarm's fate is decided by the app-level ack
    }
  };

  #onAck(payload: Buffer | string): void {
    const at = hrNow();
    let ack: AckPayload;
    try {
      ack = JSON.parse(payload.toString()) as AckPayload;
    } catch {
      return;
    }
    if (typeof ack.seq !== "number") return;
    if (!this.pending.delete(ack.seq)) {
      this.repeatAcks++;
      return;
    }
    this.hooks.acked(this, ack.seq, ack, at);
  }

  #publishAlarm(seq: number, p: Pending): void {
    p.publishes += 1;
    const at = hrNow();
    this.#write(generate({ cmd: "publish", topic: this.topicAlarm, payload: p.payload, qos: 1, messageId: this.#nextId(), retain: false, dup: false }));
    p.dueAt = at + backoffMs(p.publishes, ALARM_RETRANSMIT);
    this.hooks.sent(this, seq, p.publishes, at);
  }

  #onClose(ep: Endpoint, s: Socket): void {
    if (this.socket !== s) return;
    const wasReady = this.ready;
    this.ready = false;
    this.socket = null;
    this.pingSince = 0;
    for (const p of this.pending.values()) p.dueAt = 0; // published again at once on the next connect
    this.hooks.closed(this, wasReady);
    if (this.#stopped) return;
    const delay = backoffMs(++this.#failures, RECONNECT);
    this.#timer = setTimeout(() => {
      if (!this.#stopped) this.#open(ep);
    }, delay);
  }
}
