/**
 * The broker's Prometheus metrics (bad input is counted, as
 * docs/device-protocol.md says). Created on the injected registry and removed again on close, so a
 * broker can be restarted on the same registry.
 */
import type { ErrorCode } from "@helpkey/shared";
import { Counter, Gauge, type Registry } from "prom-client";

export interface BrokerMetrics {
  refusal(reason: ErrorCode): void;
  published(): void;
  offlineDropped(): void;
  /** Reports a bounded map's entries at every scrape as hk_mqtt_bounded_entries{map}. */
  bounded(map: string, entries: () => number): void;
  /** Unregisters every metric created here. */
  remove(): void;
}

const NAMES = {
  connections: "hk_mqtt_connections",
  refusals: "hk_mqtt_refusals_total",
  publishes: "hk_mqtt_publishes_total",
  offlineDropped: "hk_mqtt_offline_dropped_total",
  bounded: "hk_mqtt_bounded_entries",
} as const;

export function createMetrics(registry: Registry, connectedClients: () => number): BrokerMetrics {
  // read at scrape time from aedes' own count, so it can never drift
  new Gauge({
    name: NAMES.connections,
    help: "MQTT clients connected (devices and services)",
    registers: [registry],
    collect() {
      this.set(connectedClients());
    },
  });
  const refusals = new Counter({
    name: NAMES.refusals,
    help: "MQTT connects, publishes and subscriptions refused, by error code",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const publishes = new Counter({
    name: NAMES.publishes,
    help: "MQTT publishes from clients that passed size, ACL and rate checks (Last Wills included)",
    registers: [registry],
  });
  const dropped = new Counter({
    name: NAMES.offlineDropped,
    help: "QoS>0 messages not queued because a persistent session's queue was full",
    registers: [registry],
  });
  const boundedMaps = new Map<string, () => number>();
  // every map a stranger can grow is bounded; this shows how full each one is
  new Gauge({
    name: NAMES.bounded,
    help: "Entries in the broker's bounded maps, by map",
    labelNames: ["map"] as const,
    registers: [registry],
    collect() {
      for (const [map, entries] of boundedMaps) this.set({ map }, entries());
    },
  });

  return {
    refusal: (reason) => refusals.inc({ reason }),
    published: () => publishes.inc(),
    offlineDropped: () => dropped.inc(),
    bounded: (map, entries) => void boundedMaps.set(map, entries),
    remove: () => {
      for (const name of Object.values(NAMES)) registry.removeSingleMetric(name);
    },
  };
}
