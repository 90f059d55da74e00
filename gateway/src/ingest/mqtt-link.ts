/**
 * The gateway is an ordinary MQTT client of the broker (DESIGN.md "Parts"): it subscribes to
 * every device's alarm and status and publishes acks and commands. Same code path for the
 * embedded broker and an external cluster.
 */
import mqtt, { type MqttClient } from "mqtt";
import type { Logger } from "pino";
import { topics, type AckPayload, type CmdPayload } from "@helpkey/shared";
import { afterDurable } from "../store/wal-sync";

export interface MqttLinkOptions {
  url: string;
  username: string;
  password: string;
  clientId: string;
  logger: Logger;
  onMessage: (topic: string, payload: Buffer) => void;
}

export class MqttLink {
  /** Acks handed to the client and not yet PUBACKed by the broker. */
  private readonly acksInFlight = new Set<string>();
  private constructor(private readonly client: MqttClient, private readonly logger: Logger) {}

  static async connect(o: MqttLinkOptions): Promise<MqttLink> {
    const client = await mqtt.connectAsync(o.url, {
      clientId: o.clientId, username: o.username, password: o.password,
      // A persistent session: alarms published while the gateway restarts wait in the broker.
      clean: false, reconnectPeriod: 500, keepalive: 30,
    });
    // Nagle off on our side too: an ack written after the PUBACK of its alarm would otherwise wait
    // for the broker's delayed ACK of that PUBACK, ~40 ms (TOOLCHAIN.md "aedes"). Every (re)connect
    // has a new socket.
    const noDelay = () => (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    noDelay();
    client.on("connect", noDelay);
    client.on("message", (topic, payload) => o.onMessage(topic, payload));
    client.on("error", (err) => o.logger.error({ err }, "mqtt link error"));
    client.on("offline", () => o.logger.warn("mqtt link offline; reconnecting"));
    await client.subscribeAsync({ [topics.allAlarms]: { qos: 1 }, [topics.allStatus]: { qos: 1 } });
    return new MqttLink(client, o.logger);
  }

  /**
   * DESIGN.md: `received` means stored durably, so an ack leaves only once its commit is on disk
   * (store/wal-sync.ts). An ack identical to one still on its way (not yet PUBACKed by the broker)
   * is not sent again: in a storm, devices retransmit every 2 s while their first ack is queued,
   * and answering each retransmission with another ack fed the congestion (bench, issue 4).
   */
  sendAck(deviceId: string, ack: AckPayload): void {
    const key = `${deviceId}\n${ack.seq}\n${ack.state}`;
    if (this.acksInFlight.has(key)) return;
    this.acksInFlight.add(key);
    const payload = JSON.stringify(ack);
    afterDurable(() =>
      this.client.publish(topics.ack(deviceId), payload, { qos: 1 }, (err) => {
        this.acksInFlight.delete(key);
        if (err) this.logger.warn({ err, deviceId, alertId: ack.alertId }, "ack publish failed; the device will retransmit and be acked again");
      }),
    );
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
