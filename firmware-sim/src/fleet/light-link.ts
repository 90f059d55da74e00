/**
 * The MQTT link of a light emulated device (light-device.ts for the bench, scenario-device.ts for
 * `pnpm sim fleet`): a socket and an mqtt-packet parser instead of an mqtt.js client, so thousands
 * fit in one process. It carries the connection rules of docs/device-protocol.md: client id =
 * username = device id, password = the secret, Last Will `{online:false}` on the status topic (QoS 1,
 * retained), clean session; on CONNACK 0 the device says its status and the link subscribes to the
 * device's `ack` and `cmd` (QoS 1); incoming QoS 1 messages are PUBACKed; PINGREQ at the keepalive;
 * reconnects with doubling backoff and jitter (retry-policies.ts). What a device sends and keeps
 * (alarms, their retransmission, its status) is the device's.
 */
import { connect as netConnect, type Socket } from "node:net";
import { topics } from "@helpkey/shared";
import { backoffMs } from "@helpkey/shared/backoff";
import { generate, parser, type Packet } from "mqtt-packet";
import { RECONNECT } from "../retry-policies";

/** Wall-clock milliseconds with sub-millisecond resolution; comparable across processes on one machine. */
export const hrNow = (): number => performance.timeOrigin + performance.now();

export interface Endpoint {
  host: string;
  port: number;
  localAddress?: string | undefined;
}

export interface LinkHooks {
  /** CONNACK 0: the status every connect starts with (the link subscribes right after). */
  connected(): void;
  /** Subscribed: alarms flow from here on. */
  ready(at: number): void;
  /** A PUBLISH to the device (already PUBACKed). */
  message(topic: string, payload: Buffer | string): void;
  /** CONNACK with a non-zero return code [MQTT-3.2.2.3]; the socket is closed next (and reconnects unless stopped). */
  refused(returnCode: number): void;
  /** The connection closed; it reconnects by itself unless stopped. */
  closed(wasReady: boolean): void;
}

const WILL = Buffer.from(JSON.stringify({ online: false }));
const PINGREQ = generate({ cmd: "pingreq" });
const DISCONNECT = generate({ cmd: "disconnect" });
/** No CONNACK within this (a SYN lost in a full backlog, a stuck broker): give up and back off. */
const CONNECT_TIMEOUT_MS = 10_000;

export class LightLink {
  readonly topicAck: string;
  readonly topicCmd: string;
  readonly topicStatus: string;
  socket: Socket | null = null;
  ready = false;
  /** Connections this link closed for want of a PINGRESP. */
  pingTimeouts = 0;
  /** Writes are dropped and packets ignored: a device whose power is gone. */
  muted = false;
  /** A keepalive a `cmd config` asked for: used from the next CONNECT. */
  nextKeepaliveS: number | null = null;
  lastTxAt = 0;
  pingSince = 0;
  #packetId = 0;
  #failures = 0;
  #reconnect = false;
  #timer: NodeJS.Timeout | undefined;
  #endpoint: Endpoint | null = null;

  constructor(
    readonly id: string,
    private readonly secret: string,
    private readonly hooks: LinkHooks,
    public keepaliveS: number,
  ) {
    this.topicAck = topics.ack(id);
    this.topicCmd = topics.cmd(id);
    this.topicStatus = topics.status(id);
  }

  /** Connects, and keeps reconnecting until stopped. */
  start(ep: Endpoint): void {
    this.#endpoint = ep;
    this.#reconnect = true;
    this.#failures = 0;
    this.#open();
  }

  /** No reconnect from now on (one already scheduled is cancelled); the connection stays as it is. */
  stop(): void {
    this.#reconnect = false;
    clearTimeout(this.#timer);
  }

  /** Clean end: DISCONNECT (the broker drops the Last Will and says offline for the device itself). No reconnect. */
  end(): void {
    this.stop();
    const s = this.socket;
    if (s && !s.destroyed) {
      s.end(DISCONNECT);
      s.destroySoon();
    }
  }

  /** The link drops without DISCONNECT, gone for the device at once (not when the close event comes round). */
  cut(): void {
    const s = this.socket;
    if (!s) return;
    this.#onClose(s);
    s.destroy();
  }

  /** A QoS 1 PUBLISH with a new packet id. */
  publish(topic: string, payload: string, retain: boolean): void {
    this.#write(generate({ cmd: "publish", topic, payload, qos: 1, messageId: this.#nextId(), retain, dup: false }));
  }

  /** The keepalive heartbeat [MQTT-3.1.2-23], called by the fleet's ticker. */
  keepalive(now: number): void {
    if (!this.ready || !this.socket || this.muted) return;
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
    if (this.muted) return;
    this.lastTxAt = hrNow();
    this.socket?.write(b);
  }

  #open(): void {
    const ep = this.#endpoint!;
    if (this.nextKeepaliveS !== null) this.keepaliveS = this.nextKeepaliveS;
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
        clientId: this.id, username: this.id, password: Buffer.from(this.secret),
        will: { topic: this.topicStatus, payload: WILL, qos: 1, retain: true },
      }));
    });
    s.on("data", (chunk: Buffer) => void packets.parse(chunk));
    s.on("error", () => undefined); // "close" follows
    s.on("close", () => this.#onClose(s));
  }

  #onPacket(s: Socket, packet: Packet): void {
    if (this.socket !== s || this.muted) return;
    switch (packet.cmd) {
      case "connack": {
        const rc = packet.returnCode ?? 255;
        if (rc !== 0) {
          this.hooks.refused(rc);
          s.destroy();
          return;
        }
        this.hooks.connected();
        this.#write(generate({ cmd: "subscribe", messageId: this.#nextId(), subscriptions: [{ topic: this.topicAck, qos: 1 }, { topic: this.topicCmd, qos: 1 }] }));
        return;
      }
      case "suback": {
        if (this.ready) return;
        this.#failures = 0;
        this.ready = true;
        this.hooks.ready(hrNow());
        return;
      }
      case "publish": {
        if (packet.qos > 0) this.#write(generate({ cmd: "puback", messageId: packet.messageId! }));
        this.hooks.message(packet.topic, packet.payload);
        return;
      }
      case "pingresp":
        this.pingSince = 0;
        return;
      default:
        return; // PUBACKs of the device's own publishes: an alarm's fate is decided by the app-level ack
    }
  }

  #onClose(s: Socket): void {
    if (this.socket !== s) return;
    const wasReady = this.ready;
    this.ready = false;
    this.socket = null;
    this.pingSince = 0;
    this.hooks.closed(wasReady);
    if (!this.#reconnect) return;
    const delay = backoffMs(++this.#failures, RECONNECT);
    this.#timer = setTimeout(() => {
      if (this.#reconnect) this.#open();
    }, delay);
  }
}
