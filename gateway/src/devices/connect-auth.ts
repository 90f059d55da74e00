/**
 * The device half of the broker's injected `authenticate`: the registry's check behind the failure
 * budgets (failure-budgets.ts), as a list of steps.
 *
 * 1. a secret already verified since start passes at once, whatever its source's budget;
 * 2. a source, then a device id, with no failure budget left is refused without a hash;
 * 3. the check runs on the hash pool with its CONNECT's deadline; a failure is charged to both.
 *
 * A refusal for a spent budget or a full hash queue is `retryLater`: CONNACK 3, server unavailable
 * [MQTT-3.2.2.3]. A real device whose secret is fine must keep retrying, and 3 says "try again"; 4
 * (bad user name or password) would tell it its credentials are wrong, and the check never ran.
 */
import type { Credentials, Identity } from "@helpkey/broker";
import type { DeviceRegistry, DeviceVerdict } from "./device-registry";
import { sourceKey } from "@helpkey/shared/source-key";
import { DEVICE_BUDGET, SOURCE_BUDGET, TokenBuckets } from "./failure-budgets";
import { HashExpiredError, HashPoolBusyError } from "./hash-pool";

/** What happened to one CONNECT's check (hk_device_auth_total{result}). */
export type ConnectAuthResult =
  | "cached" | "ok" | "unknown" | "revoked" | "wrong_secret"
  | "source_over_budget" | "device_over_budget" | "hash_busy" | "hash_expired";

export type ConnectDecision = Identity | { retryLater: string } | null;

export interface ConnectAuthOptions {
  sources?: TokenBuckets;
  devices?: TokenBuckets;
  now?: () => number;
  observe?: (result: ConnectAuthResult) => void;
}

export class ConnectAuth {
  readonly sources: TokenBuckets;
  readonly devices: TokenBuckets;
  private readonly now: () => number;
  private readonly observe: (result: ConnectAuthResult) => void;

  constructor(private readonly registry: DeviceRegistry, opts: ConnectAuthOptions = {}) {
    this.sources = opts.sources ?? new TokenBuckets(SOURCE_BUDGET);
    this.devices = opts.devices ?? new TokenBuckets(DEVICE_BUDGET);
    this.now = opts.now ?? Date.now;
    this.observe = opts.observe ?? (() => {});
  }

  /** A device's CONNECT (client id and username are matched to the id by the broker). */
  async authenticate({ username: id, password: secret, remoteAddress, deadline }: Credentials): Promise<ConnectDecision> {
    if (!id) return this.done("unknown", null);
    if (this.registry.isVerified(id, secret)) return this.done("cached", { role: "device", deviceId: id });

    const source = sourceKey(remoteAddress);
    if (!this.sources.allows(source, this.now())) return this.done("source_over_budget", { retryLater: "too many failed checks from this address" });
    const d = this.registry.get(id);
    // unknown and revoked ids cost no hash, but they are failures of the source all the same
    if (!d || d.revoked) {
      this.sources.charge(source, this.now());
      return this.done(d ? "revoked" : "unknown", null);
    }
    if (!this.devices.allows(id, this.now())) return this.done("device_over_budget", { retryLater: "too many failed checks for this device id" });

    let verdict: DeviceVerdict;
    try {
      verdict = await this.registry.authenticate(id, secret, deadline === undefined ? {} : { deadline });
    } catch (err) {
      // nothing was checked: not a failure of anyone's
      if (err instanceof HashPoolBusyError) return this.done("hash_busy", { retryLater: "hash queue full" });
      if (err instanceof HashExpiredError) return this.done("hash_expired", { retryLater: "check expired in the hash queue" });
      throw err;
    }
    if (verdict === "ok") return this.done("ok", { role: "device", deviceId: id });
    const now = this.now();
    this.sources.charge(source, now);
    this.devices.charge(id, now);
    return this.done(verdict === "wrong-secret" ? "wrong_secret" : verdict, null);
  }

  private done(result: ConnectAuthResult, decision: ConnectDecision): ConnectDecision {
    this.observe(result);
    return decision;
  }
}
