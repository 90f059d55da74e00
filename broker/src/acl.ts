/**
 * Topic ACL (docs/device-protocol.md): a device publishes only to its own
 * `alarm`, `status` and `event` and subscribes only to its own `ack` and `cmd`; a
 * service (the gateway) may use any topic. Pure functions: a reason string
 * when denied, null when allowed. Topics are parsed with shared's parser,
 * the only place topic strings exist.
 */
import { parseTopic } from "@helpkey/shared";
import type { Identity } from "./types";

const DEVICE_PUBLISHES = new Set(["alarm", "status", "event"]);
const DEVICE_SUBSCRIBES = new Set(["ack", "cmd"]);

/** Topics starting with "$" belong to the server ([MQTT-4.7.2-1]: $SYS/…); no client publishes there. */
function isServerTopic(topic: string): boolean {
  return topic.startsWith("$");
}

export function publishDenial(identity: Identity | undefined, topic: string, retain: boolean): string | null {
  if (!identity) return "not authenticated";
  if (isServerTopic(topic)) return "topic reserved for the server";
  if (identity.role === "service") return null;
  const parsed = parseTopic(topic);
  if (!parsed || parsed.deviceId !== identity.deviceId || !DEVICE_PUBLISHES.has(parsed.kind)) {
    return "publish outside the device's own alarm/status/event topics";
  }
  // only the status topic is retained (docs/device-protocol.md); a retained
  // alarm would be replayed to every new subscriber as if it were new
  if (retain && parsed.kind !== "status") return "retained publish outside the device's status topic";
  return null;
}

export function subscribeDenial(identity: Identity | undefined, topicFilter: string): string | null {
  if (!identity) return "not authenticated";
  if (identity.role === "service") return null;
  // parseTopic refuses wildcards, so a device can never widen its filter to others' topics
  const parsed = parseTopic(topicFilter);
  if (!parsed || parsed.deviceId !== identity.deviceId || !DEVICE_SUBSCRIBES.has(parsed.kind)) {
    return "subscription outside the device's own ack/cmd topics";
  }
  return null;
}
