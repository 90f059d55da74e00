/**
 * The gateway is an ordinary MQTT client of the broker (DESIGN.md "Parts"): it subscribes to
 * every device's alarm and status and publishes acks and commands. Same code path for the
 * embedded broker and an external cluster.
 */
import mqtt, { type MqttClient } from "mqtt";
import type { Logger } from "pino";
import { topics, type AckPayload, type CmdPayload } from "@helpkey/shared";

export interface MqttLinkOptions {
  url: string;
  username: string;
  password: string;
  clientId: string;
  logger: Logger;
  onMessage: (topic: string, payload: Buffer) => void;
}

export class MqttLink {
  private constructor(private readonly client: MqttClient, private readonly logger: Logger) {}

  static async connect(o: MqttLinkOptions): Promise<MqttLink> {
    const client = await mqtt.connectAsync(o.url, {
      clientId: o.clientId, username: o.username, password: o.password,
      // A persistent session: alarms published while the gateway restarts wait in the broker.
      clean: false, reconnectPeriod: 500, keepalive: 30,
    });
    client.on("message", (topic, payload) => o.onMessage(topic, payload));
    client.on("error", (err) => o.logger.error({ err }, "mqtt link error"));
    client.on("offline", () => o.logger.warn("mqtt link offline; reconnecting"));
    await client.subscribeAsync({ [topics.allAlarms]: { qos: 1 }, [topics.allStatus]: { qos: 1 } });
    return new MqttLink(client, o.logger);
  }

  sendAck(deviceId: string, ack: AckPayload): void {
    this.client.publish(topics.ack(deviceId), JSON.stringify(ack), { qos: 1 }, (err) => {
      if (err) this.logger.warn({ err, deviceId, alertId: ack.alertId }, "ack publish failed; the device will retransmit and be acked again");
    });
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
