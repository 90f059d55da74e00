/**
 * The gateway is an ordinary MQTT client of the broker (docs/architecture.md): it subscribes to
 * every device's alarm and status and publishes acks and commands. Same code path for the
 * embedded broker and an external cluster.
 */
import mqtt, { Store, type MqttClient, type Packet } from "mqtt";
import type { Logger } from "pino";
import { topics, type AckPayload, type CmdPayload } from "@helpkey/shared";
import type { AfterDurable } from "../store/wal-sync";

export interface MqttLinkOptions {
  url: string;
  username: string;
  password: string;
  clientId: string;
  logger: Logger;
  onMessage: (topic: string, payload: Buffer) => void;
  /** The system's WAL sync: an ack leaves once its commit is on disk. */
  afterDurable: AfterDurable;
}

/**
 * The link's outgoing store forgets on every (re)connect what was in flight. mqtt.js would send a
 * dropped connection's unacknowledged publishes again one at a time, each after the previous one's
 * PUBACK, holding every new publish back until it is done: after a drop in a storm, thousands of
 * stale acks would wait in front of every new one. Our publishes need no replay: an ack lost with
 * the connection is sent again when the device retransmits its alarm (docs/device-protocol.md),
 * and a lost `cmd` is as if the device had been offline.
 *
 * It keeps its packets in a map of its own through Store's public methods; the base class's own
 * store stays empty, so its createStream() (which mqtt.js reads to replay) yields nothing.
 */
class NoReplayStore extends Store {
  readonly #waiting = new Map<number, Packet>();

  override put(packet: Packet, cb: () => void): this {
    if (packet.messageId !== undefined) this.#waiting.set(packet.messageId, packet);
    cb?.();
    return this;
  }

  override get(packet: Pick<Packet, "messageId">, cb: (err?: Error, packet?: Packet) => void): this {
    const found = packet.messageId !== undefined ? this.#waiting.get(packet.messageId) : undefined;
    if (found) cb(undefined, found);
    else cb?.(new Error("missing packet"));
    return this;
  }

  override del(packet: Pick<Packet, "messageId">, cb: (err?: Error, packet?: Packet) => void): this {
    const found = packet.messageId !== undefined ? this.#waiting.get(packet.messageId) : undefined;
    if (found) {
      this.#waiting.delete(packet.messageId!);
      cb(undefined, found);
    } else cb?.(new Error("missing packet"));
    return this;
  }

  override createStream(): ReturnType<Store["createStream"]> {
    this.#waiting.clear();
    return super.createStream();
  }

  override close(cb: () => void): void {
    this.#waiting.clear();
    cb?.();
  }
}

/**
 * Waits for the link's first CONNACK. A network error meanwhile is retried (mqtt.js reconnects every
 * 500 ms): after a restart the broker's listen queue overflows with a district's reconnects, and the
 * kernel may reset the gateway's own first connection in that crowd. A refusal by the broker (a
 * CONNACK error code) is final.
 */
function firstConnect(client: MqttClient, logger: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    let failures = 0;
    const onError = (err: Error & { code?: unknown }) => {
      if (typeof err.code === "number") {
        client.off("error", onError);
        client.end(true);
        return reject(err);
      }
      failures++;
      logger.warn({ err: err.message, failures }, "mqtt link: connecting to the broker failed; retrying");
    };
    client.on("error", onError);
    client.once("connect", () => {
      client.off("error", onError);
      resolve();
    });
  });
}

export class MqttLink {
  /** Acks handed to the client and not yet PUBACKed by the broker. */
  private readonly acksInFlight = new Set<string>();
  /** Acks whose publish failed since the last report (the link dropped or was closing). */
  private lostAcks = 0;
  private constructor(
    private readonly client: MqttClient,
    private readonly logger: Logger,
    private readonly afterDurable: AfterDurable,
  ) {}

  static async connect(o: MqttLinkOptions): Promise<MqttLink> {
    const client = mqtt.connect(o.url, {
      clientId: o.clientId, username: o.username, password: o.password,
      // A persistent session: alarms published while the gateway restarts wait in the broker.
      clean: false, reconnectPeriod: 500, keepalive: 30, outgoingStore: new NoReplayStore(),
    });
    await firstConnect(client, o.logger);
    // Nagle off on our side too: an ack written after the PUBACK of its alarm would otherwise wait
    // for the broker's delayed ACK of that PUBACK, ~40 ms. Every (re)connect has a new socket.
    const noDelay = () => (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    noDelay();
    client.on("connect", noDelay);
    client.on("message", (topic, payload) => o.onMessage(topic, payload));
    client.on("error", (err) => o.logger.error({ err }, "mqtt link error"));
    client.on("offline", () => o.logger.warn("mqtt link offline; reconnecting"));
    client.on("reconnect", () => o.logger.info("mqtt link reconnecting"));
    await client.subscribeAsync({ [topics.allAlarms]: { qos: 1 }, [topics.allStatus]: { qos: 1 }, [topics.allEvents]: { qos: 1 } });
    const link = new MqttLink(client, o.logger, o.afterDurable);
    client.on("close", () => link.dropInFlight());
    client.on("connect", () => o.logger.info("mqtt link connected"));
    return link;
  }

  /**
   * `received` means stored durably (docs/device-protocol.md), so an ack leaves only once its commit
   * is on disk (store/wal-sync.ts). An ack identical to one still on its way (not yet PUBACKed by the
   * broker) is not sent again: in a storm, devices retransmit every 2 s while their first ack is
   * queued, and answering each retransmission with another ack would feed the congestion.
   */
  sendAck(deviceId: string, ack: AckPayload): void {
    const key = `${deviceId}\n${ack.seq}\n${ack.state}`;
    if (this.acksInFlight.has(key)) return;
    this.acksInFlight.add(key);
    const payload = JSON.stringify(ack);
    this.afterDurable(() =>
      this.client.publish(topics.ack(deviceId), payload, { qos: 1 }, (err) => {
        this.acksInFlight.delete(key);
        if (err) this.lostAcks++;
      }),
    );
  }

  /**
   * The connection is gone with what it carried (NoReplayStore): every publish the broker had not
   * confirmed fails now, instead of waiting for a replay that never comes (which would also keep
   * `end()` waiting forever, and these acks' keys in acksInFlight).
   */
  private dropInFlight(): void {
    const outgoing = this.client.outgoing;
    for (const [id, entry] of Object.entries(outgoing)) {
      delete outgoing[Number(id)];
      entry?.cb?.(new Error("mqtt link closed before the broker confirmed the publish"));
    }
    if (this.lostAcks > 0) {
      this.logger.warn({ acks: this.lostAcks }, "acks lost with the mqtt link; each device retransmits its alarm and is acked again");
      this.lostAcks = 0;
    }
  }

  sendCmd(deviceId: string, cmd: CmdPayload): void {
    this.client.publish(topics.cmd(deviceId), JSON.stringify(cmd), { qos: 1 });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
