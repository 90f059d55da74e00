/**
 * Metrics of device authentication and the hash pool: what each CONNECT's check came to, what each
 * hash job came to, how deep the lanes are, and the check's maps on hk_bounded_entries. Scrape-time
 * gauges read their sources (bound once they exist); the counters are fed by the callbacks returned here.
 */
import { Counter, Gauge, type Registry } from "prom-client";
import type { ConnectAuth, ConnectAuthResult } from "../devices/connect-auth";
import type { DeviceRegistry } from "../devices/device-registry";
import { LANES, type HashLane, type HashOutcome, type HashPool } from "../devices/hash-pool";
import type { BoundedEntries } from "./bounded-entries";

interface Sources {
  hashes: HashPool;
  devices: DeviceRegistry;
  connectAuth: ConnectAuth;
}

export function createAuthMetrics(registry: Registry) {
  let sources: Sources | null = null;
  const connects = new Counter({
    name: "hk_device_auth_total",
    help: "Device CONNECT checks by result: cached (verified since start), ok, unknown, revoked, wrong_secret, source_over_budget, device_over_budget, hash_busy, hash_expired",
    labelNames: ["result"] as const,
    registers: [registry],
  });
  const jobs = new Counter({
    name: "hk_hash_jobs_total",
    help: "Hash pool jobs by lane and outcome: done, failed, expired (dropped unhashed at its turn), busy (refused, lane full)",
    labelNames: ["lane", "outcome"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "hk_hash_queue_depth",
    help: "Hash jobs waiting for a worker, by lane",
    labelNames: ["lane"] as const,
    registers: [registry],
    collect() {
      if (!sources) return;
      for (const lane of LANES) this.set({ lane }, sources.hashes.queued(lane));
    },
  });
  return {
    connect: (result: ConnectAuthResult) => connects.inc({ result }),
    hashJob: (lane: HashLane, outcome: HashOutcome) => jobs.inc({ lane, outcome }),
    /** Reads the pool's lanes from now on, and puts the check's maps on hk_bounded_entries. */
    bind(s: Sources, bounded: BoundedEntries) {
      sources = s;
      for (const map of Object.keys(s.devices.sizes()) as (keyof ReturnType<DeviceRegistry["sizes"]>)[]) bounded.track(map, () => s.devices.sizes()[map]);
      bounded.track("failure_budget_sources", () => s.connectAuth.sources.size);
      bounded.track("failure_budget_devices", () => s.connectAuth.devices.size);
    },
  };
}
