/** Devices for tests: the firmware-sim emulator (real device rules) and a raw MQTT client (for bad input). */
import mqtt, { type MqttClient } from "mqtt";
import { createSimDevice, type SimDevice } from "@helpkey/firmware-sim/device";
import { topics, type AckPayload } from "@helpkey/shared";

/** `ca`: the PEM certificate to trust for an mqtts:// or wss:// URL (a test's self-signed one). */
export async function connectSim(url: string, id: string, secret: string, extra: { stateDir?: string; ca?: string } = {}): Promise<SimDevice> {
  const d = createSimDevice({ url, id, secret, backoffBaseMs: 300, backoffCapMs: 1000, reconnectBaseMs: 100, reconnectJitterMs: 50, ...extra });
  await d.waitForConnect(5000);
  return d;
}

/** A raw MQTT client logged in as the device: publishes exactly what the test says. */
export async function connectRaw(url: string, id: string, secret: string): Promise<{ client: MqttClient; acks: AckPayload[] }> {
  const client = await mqtt.connectAsync(url, { clientId: id, username: id, password: secret, reconnectPeriod: 0 });
  const acks: AckPayload[] = [];
  client.on("message", (_t, p) => acks.push(JSON.parse(String(p)) as AckPayload));
  await client.subscribeAsync(topics.ack(id), { qos: 1 });
  return { client, acks };
}

export function alarm(seq: number, over: Record<string, unknown> = {}): string {
  return JSON.stringify({ seq, ts: Date.now(), action: "raise", kind: "emergency", trigger: "button", ...over });
}
