/**
 * The broker's Prometheus metrics (DESIGN.md: bad input is "counted in
 * metrics"). Created on the injected registry and removed again on close, so a
 * broker can be restarted on the same registry.
 */
import type { ErrorCode } from "@helpkey/shared";
import { Counter, Gauge, type Registry } from "prom-client";

export interface BrokerMetrics {
  refusal(reason: ErrorCode): void;
  published(): void;
  offlineDropped(): void;
  /** Unregisters every metric created here. */
  remove(): void;
}

const NAMES = {
  connections: "hk_mqtt_connections",
  refusals: "hk_mqtt_refusals_total",
  publishes: "hk_mqtt_publishes_total",
  offlineDropped: "hk_mqtt_offline_dropped_total",
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

  return {
    refusal: (reason) => refusals.inc({ reason }),
    published: () => publishes.inc(),
    offlineDropped: () => dropped.inc(),
    remove: () => {
      for (const name of Object.values(NAMES)) registry.removeSingleMetric(name);
    },
  };
}
