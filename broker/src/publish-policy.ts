/**
 * PUBLISH, as a list of checks; the first refusal ends it. A refused publish
 * is not forwarded and closes the client's connection (MQTT 3.1.1 has no
 * negative PUBACK); it is logged with the device id and counted
 * (docs/device-protocol.md: bad input is rejected, logged and counted).
 *
 * aedes also calls authorizePublish for a client's Last Will, after the client
 * is closed: the will gets the topic ACL (a device's will belongs on its own
 * status topic) but not the size and rate checks, which are about live
 * traffic (the will arrived inside CONNECT, which the size guard bounded).
 */
import { ErrorCodes } from "@helpkey/shared";
import type { Client, PublishPacket } from "aedes";
import { publishDenial } from "./acl";
import type { Identities } from "./identities";
import { publishPacketBytes } from "./packet-size";
import type { RateLimiter } from "./rate-limiter";
import type { Refusal, Refusals } from "./refusals";
import type { Identity } from "./types";

interface PublishContext {
  client: Client | null;
  identity: Identity | undefined;
  packet: PublishPacket;
  /** The client's Last Will, published by the broker after the client closed [MQTT-3.1.2-8]. */
  isWill: boolean;
}

/** null: next check; a Refusal: refuse, log and count. */
type Check = (ctx: PublishContext) => Refusal | null;

export interface PublishPolicyDeps {
  identities: Identities;
  refusals: Refusals;
  limiter: RateLimiter;
  maxPacketBytes: number;
  now: () => number;
  /** Counted here, at the decision, rather than after delivery, so the count never lags behind what subscribers saw. */
  accepted: () => void;
  /** A closed client's Last Will was let through (leave-status.ts needs no second offline status then). */
  willAccepted?: (client: Client, identity: Identity | undefined, packet: PublishPacket) => void;
}

export function createPublishPolicy(deps: PublishPolicyDeps) {
  const packetSize: Check = ({ packet, isWill }) => {
    if (isWill) return null;
    const bytes = publishPacketBytes(packet);
    if (bytes <= deps.maxPacketBytes) return null;
    return { code: ErrorCodes.MQTT_PACKET_TOO_LARGE, reason: "packet too large", details: { bytes, limit: deps.maxPacketBytes } };
  };

  const topicAcl: Check = ({ identity, packet }) => {
    const denial = publishDenial(identity, packet.topic, packet.retain);
    return denial ? { code: ErrorCodes.MQTT_ACL_DENIED, reason: denial, details: { topic: packet.topic } } : null;
  };

  /** Token bucket per device id; services (the gateway) are not limited. */
  const rateLimit: Check = ({ identity, isWill }) => {
    if (isWill || identity?.role !== "device") return null;
    if (deps.limiter.take(identity.deviceId, deps.now())) return null;
    return { code: ErrorCodes.MQTT_RATE_LIMITED, reason: "publish rate over the limit" };
  };

  // synchronous on purpose: aedes closes the client inside done(err), so the
  // packets after a refused one in the same read are never handed over
  const publishChecks: Check[] = [packetSize, topicAcl, rateLimit];

  return function publish(client: Client | null, packet: PublishPacket): boolean {
    // a will restored for a client that is gone has no identity here, so the ACL refuses it
    const ctx: PublishContext = { client, identity: deps.identities.get(client), packet, isWill: !client || client.closed };
    for (const check of publishChecks) {
      const result = check(ctx);
      if (result === null) continue;
      const subject = deps.identities.subject(client);
      if (client) deps.refusals.closing(client, subject, result);
      else deps.refusals.record(subject, result);
      return false;
    }
    deps.accepted();
    if (ctx.isWill && client) deps.willAccepted?.(client, ctx.identity, packet);
    return true;
  };
}
