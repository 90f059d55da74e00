/**
 * Test support: a real broker on port 0 with a small in-memory credential
 * store standing in for the gateway's, real mqtt.js clients, and metric
 * reads from the broker's registry. Everything started here is closed by
 * `closeAll()` (call it in afterEach).
 */
import { ErrorCodes, type ErrorCode } from "@helpkey/shared";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { pino, type Logger } from "pino";
import { Registry } from "prom-client";
import { createBroker, type BrokerOptions, type InProcessBroker, type Identity } from "../src/index";

export const SECRETS: Record<string, string> = {
  "dev-a": "secret-a",
  "dev-b": "secret-b",
  "dev-c": "secret-c",
};
export const SERVICE = { username: "gateway", password: "service-secret" };

export interface Harness {
  broker: InProcessBroker;
  registry: Registry;
  /** A connected device client (client id = username = device id). */
  device(id: string, opts?: IClientOptions): Promise<MqttClient>;
  /** A connected service client. */
  service(opts?: IClientOptions): Promise<MqttClient>;
  connect(opts: IClientOptions): Promise<MqttClient>;
  refusals(code: ErrorCode): Promise<number>;
  metric(name: string): Promise<number>;
}

const open: Array<{ close(): Promise<void> }> = [];

/** Registers a client made outside the harness for `closeAll()`. */
export function track(client: MqttClient): MqttClient {
  open.unshift({ close: () => client.endAsync(true) });
  return client;
}

/** The credential check the gateway will inject: device secrets and one service account. */
export async function authenticate(credentials: { clientId: string; username?: string; password?: Buffer }): Promise<Identity | null> {
  const password = credentials.password?.toString("utf8");
  if (credentials.username === SERVICE.username) {
    return password === SERVICE.password ? { role: "service", name: "gateway" } : null;
  }
  const id = credentials.username ?? "";
  return SECRETS[id] !== undefined && SECRETS[id] === password ? { role: "device", deviceId: id } : null;
}

export const silentLogger: Logger = pino({ level: "silent" });

export async function startBroker(overrides: Partial<BrokerOptions> = {}): Promise<Harness> {
  const registry = overrides.registry ?? new Registry();
  const broker = await createBroker({ authenticate, logger: silentLogger, registry, ...overrides });
  open.push(broker);

  const connect = async (opts: IClientOptions): Promise<MqttClient> => {
    // no reconnects: a refused or kicked client must stay gone for the assertion
    return track(await mqtt.connectAsync(broker.url, { reconnectPeriod: 0, connectTimeout: 5_000, ...opts }));
  };
  // A metric that is not registered fails the test (renamed or dropped, it must not read as 0); within a
  // registered one, a label set never counted is 0, as prom-client exports a labelled series only once touched.
  const metric = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
    const found = registry.getSingleMetric(name);
    if (!found) throw new Error(`metric ${name} is not registered`);
    const values = (await found.get()).values;
    const wanted = Object.entries(labels);
    const value = values.find((v) => wanted.every(([k, val]) => v.labels[k] === val))?.value;
    if (value === undefined && wanted.length === 0) throw new Error(`metric ${name} has no value`);
    return value ?? 0;
  };

  return {
    broker,
    registry,
    connect,
    device: (id, opts = {}) => connect({ clientId: id, username: id, password: SECRETS[id], ...opts }),
    service: (opts = {}) => connect({ clientId: `svc-${Math.random().toString(36).slice(2)}`, ...SERVICE, ...opts }),
    refusals: (code) => metric("hk_mqtt_refusals_total", { reason: code }),
    metric: (name) => metric(name),
  };
}

/** Closes clients first, then brokers; safe to call twice. */
export async function closeAll(): Promise<void> {
  const all = open.splice(0);
  for (const item of all) await item.close();
}

/** Resolves when the client's connection is closed (by the broker). */
export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.once("close", () => resolve()));
}

/** Collects messages a client receives. */
export function inbox(client: MqttClient): Array<{ topic: string; payload: string; retain: boolean }> {
  const messages: Array<{ topic: string; payload: string; retain: boolean }> = [];
  client.on("message", (topic, payload, packet) => messages.push({ topic, payload: payload.toString(), retain: packet.retain }));
  return messages;
}

/** Resolves with the first message on `topic` (with exactly `payload`, when given). */
export function nextMessage(client: MqttClient, topic: string, payload?: string): Promise<string> {
  return new Promise((resolve) => {
    const onMessage = (t: string, received: Buffer) => {
      if (t !== topic || (payload !== undefined && received.toString() !== payload)) return;
      client.off("message", onMessage);
      resolve(received.toString());
    };
    client.on("message", onMessage);
  });
}

export { ErrorCodes };
