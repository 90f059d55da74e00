/**
 * Which identity each live connection authenticated as, and which connection
 * currently holds each device id. One connection per device id
 * (docs/device-protocol.md); aedes closes the older one on takeover
 * [MQTT-3.1.4-2], and the checks below keep the older one's late events from
 * removing the newer one.
 */
import type { Client } from "aedes";
import type { Identity } from "./types";

/** Fields that say who a log line is about; never credentials. */
export interface Subject {
  deviceId?: string;
  service?: string;
  clientId?: string;
}

export class Identities {
  readonly #byClient = new WeakMap<Client, Identity>();
  readonly #devices = new Map<string, Client>();
  /** Client ids that authenticated as a service; kept after they disconnect (their session persists). */
  readonly #serviceIds = new Set<string>();

  set(client: Client, identity: Identity): void {
    this.#byClient.set(client, identity);
    if (identity.role === "service") this.#serviceIds.add(client.id);
  }

  isServiceClientId(clientId: string): boolean {
    return this.#serviceIds.has(clientId);
  }

  get(client: Client | null): Identity | undefined {
    return client ? this.#byClient.get(client) : undefined;
  }

  /** Called when aedes registers the client (after authentication, before CONNACK). */
  registered(client: Client): void {
    const identity = this.#byClient.get(client);
    if (identity?.role === "device") this.#devices.set(identity.deviceId, client);
  }

  /** Called when aedes unregisters the client; true when it held its device id until now. */
  unregistered(client: Client): boolean {
    const identity = this.#byClient.get(client);
    if (identity?.role === "device" && this.#devices.get(identity.deviceId) === client) {
      this.#devices.delete(identity.deviceId);
      return true;
    }
    return false;
  }

  device(deviceId: string): Client | undefined {
    return this.#devices.get(deviceId);
  }

  deviceCount(): number {
    return this.#devices.size;
  }

  subject(client: Client | null): Subject {
    const identity = this.get(client);
    if (identity?.role === "device") return { deviceId: identity.deviceId };
    if (identity?.role === "service") return { service: identity.name, clientId: client?.id };
    return client?.id ? { clientId: client.id } : {};
  }
}
