/**
 * The device protocol's topic names (docs/device-protocol.md, version 1).
 * This module is the only place in the project where topic strings exist.
 */
const PREFIX = "hk/v1/dev";

export type DeviceTopicKind = "alarm" | "status" | "ack" | "cmd" | "event";

/** Device ids: letters, digits, `-` and `_`; never MQTT wildcards or separators. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{3,64}$/;

export const topics = {
  alarm: (deviceId: string) => `${PREFIX}/${deviceId}/alarm`,
  status: (deviceId: string) => `${PREFIX}/${deviceId}/status`,
  ack: (deviceId: string) => `${PREFIX}/${deviceId}/ack`,
  cmd: (deviceId: string) => `${PREFIX}/${deviceId}/cmd`,
  /** Device → gateway signals that are not alarms (v1 addition): signs of life, messages shown. */
  event: (deviceId: string) => `${PREFIX}/${deviceId}/event`,
  /** Subscription filters used by the gateway (all devices). */
  allAlarms: `${PREFIX}/+/alarm`,
  allStatus: `${PREFIX}/+/status`,
  allEvents: `${PREFIX}/+/event`,
  /** Every device topic at once: a filter no device may subscribe to. */
  everyDevice: `${PREFIX}/#`,
} as const;

export interface ParsedTopic {
  deviceId: string;
  kind: DeviceTopicKind;
}

const KINDS = new Set<string>(["alarm", "status", "ack", "cmd", "event"]);

/** Parses `hk/v1/dev/{id}/{kind}`; anything else (wildcards included) is null. */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split("/");
  if (parts.length !== 5 || parts[0] !== "hk" || parts[1] !== "v1" || parts[2] !== "dev") return null;
  const deviceId = parts[3]!;
  const kind = parts[4]!;
  if (!DEVICE_ID_PATTERN.test(deviceId) || !KINDS.has(kind)) return null;
  return { deviceId, kind: kind as DeviceTopicKind };
}
