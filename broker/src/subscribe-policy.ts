/**
 * SUBSCRIBE, per topic filter: a device only to its own `ack` and `cmd`
 * (docs/device-protocol.md). A refused filter is granted 0x80 (failure)
 * [MQTT-3.9.3-2] and the connection stays open; it is logged and counted.
 */
import { ErrorCodes } from "@helpkey/shared";
import type { Client, Subscription } from "aedes";
import { subscribeDenial } from "./acl";
import type { Identities } from "./identities";
import type { Refusals } from "./refusals";

export function createSubscribePolicy(deps: { identities: Identities; refusals: Refusals }) {
  return function subscribe(client: Client, subscription: Subscription): boolean {
    const denial = subscribeDenial(deps.identities.get(client), subscription.topic);
    if (!denial) return true;
    deps.refusals.record(deps.identities.subject(client), {
      code: ErrorCodes.MQTT_ACL_DENIED,
      reason: denial,
      details: { topic: subscription.topic },
    });
    return false;
  };
}
