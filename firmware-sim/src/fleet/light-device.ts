/**
 * A lightweight emulated help button for the bench's fleets: the device rules of
 * docs/device-protocol.md on the paths a benchmark measures. A fleet of 19,000 shares two cores with
 * the server it measures, so each device is a light link (light-link.ts: a socket and an mqtt-packet
 * parser) and a handful of fields rather than an mqtt.js client with its own timers and stores:
 * - on every connect: status `{online:true,…}` (QoS 1, retained), then (the link) SUBSCRIBE to its
 *   own `ack` and `cmd`, then every pending alarm is published again;
 * - `seq` strictly increasing per device (kept by the fleet process for its whole life); an alarm is
 *   republished (same seq, new packet id) every 2, 4, 8, … s capped at 30 s until an `ack` with that
 *   seq arrives.
 * Not emulated: persistence of seq/queue to disk across *process* restarts (the fleet process lives
 * for the whole benchmark), `cmd` handling beyond acknowledging it, TLS and WebSocket transports.
 */
import type { Socket } from "node:net";
import type { AckPayload } from "@helpkey/shared";
import { topics } from "@helpkey/shared";
import { backoffMs } from "@helpkey/shared/backoff";
import { ALARM_RETRANSMIT } from "../retry-policies";
import { hrNow, LightLink, type Endpoint } from "./light-link";

export { hrNow, type Endpoint } from "./light-link";

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

export class LightDevice {
  readonly topicAlarm: string;
  readonly link: LightLink;
  seq = 0;
  readonly pending = new Map<number, Pending>();
  /** Acks that arrived for a seq no longer pending (retransmissions acked twice): counted, harmless. */
  repeatAcks = 0;

  constructor(
    readonly index: number,
    readonly id: string,
    secret: string,
    private readonly hooks: LightDeviceHooks,
    keepaliveS = 60,
  ) {
    this.topicAlarm = topics.alarm(id);
    this.link = new LightLink(id, secret, {
      connected: () => this.link.publish(this.link.topicStatus, STATUS, true),
      ready: (at) => {
        this.hooks.ready(this, at);
        for (const [seq, p] of this.pending) this.#publishAlarm(seq, p);
      },
      message: (topic, payload) => {
        if (topic === this.link.topicAck) this.#onAck(payload);
      },
      refused: (rc) => this.hooks.refused(this, rc),
      closed: (wasReady) => {
        for (const p of this.pending.values()) p.dueAt = 0; // published again at once on the next connect
        this.hooks.closed(this, wasReady);
      },
    }, keepaliveS);
  }

  get socket(): Socket | null {
    return this.link.socket;
  }

  get ready(): boolean {
    return this.link.ready;
  }

  /** Connections closed for want of a PINGRESP. */
  get pingTimeouts(): number {
    return this.link.pingTimeouts;
  }

  start(ep: Endpoint): void {
    this.link.start(ep);
  }

  /** Clean end: DISCONNECT (the broker drops the Last Will and says offline for the device itself). No reconnect. */
  stop(): void {
    this.link.end();
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

  /** Called by the fleet's ticker: the keepalive heartbeat. */
  keepalive(now: number): void {
    this.link.keepalive(now);
  }

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
    this.link.publish(this.topicAlarm, p.payload, false);
    p.dueAt = at + backoffMs(p.publishes, ALARM_RETRANSMIT);
    this.hooks.sent(this, seq, p.publishes, at);
  }
}
