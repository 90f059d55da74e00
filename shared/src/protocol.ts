/** Device protocol v1 payloads (docs/device-protocol.md). */
import { z } from "zod";
import { DEVICE_ID_PATTERN } from "./topics";

/** A service category's key, e.g. `repairs`: lower-case letters, digits and `_`. */
export const serviceCategoryKeySchema = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, "category: a-z, 0-9 and _, up to 32");

export const deviceIdSchema = z.string().regex(DEVICE_ID_PATTERN, "device id: 3-64 of A-Z a-z 0-9 _ -");

export const alarmActions = ["raise", "cancel", "test"] as const;
export const alarmKinds = ["emergency", "medical", "fire", "intrusion", "service"] as const;
export const alarmTriggers = ["button", "remote", "pendant", "pullcord"] as const;
export const ackStates = ["received", "acknowledged", "responding", "resolved", "cancelled"] as const;

export type AlarmKind = (typeof alarmKinds)[number];
export type AlarmAction = (typeof alarmActions)[number];
export type AckState = (typeof ackStates)[number];

export const alarmPayloadSchema = z.object({
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  ts: z.number().int().nonnegative(),
  action: z.enum(alarmActions),
  kind: z.enum(alarmKinds),
  trigger: z.enum(alarmTriggers),
  battery: z.number().min(0).max(100).optional(),
  location: z.string().max(64).optional(),
  /** A service request's category (v1 addition): a key of the community's service categories. */
  category: serviceCategoryKeySchema.optional(),
});
export type AlarmPayload = z.infer<typeof alarmPayloadSchema>;

export const statusPayloadSchema = z.object({
  online: z.boolean(),
  battery: z.number().min(0).max(100).optional(),
  rssi: z.number().optional(),
  fw: z.string().max(32).optional(),
  power: z.enum(["mains", "battery"]).optional(),
  /** The result of the self-test a `cmd selftest` asked for (v1.2 addition), and what failed. */
  selftest: z.enum(["ok", "failed"]).optional(),
  detail: z.string().max(100).optional(),
});
export type StatusPayload = z.infer<typeof statusPayloadSchema>;

export const ackPayloadSchema = z.object({
  seq: z.number().int().nonnegative(),
  /** 0 when the press belongs to no alert (a cancel with nothing to cancel). */
  alertId: z.number().int().nonnegative(),
  state: z.enum(ackStates),
  by: z.string().max(64).optional(),
  text: z.string().max(200).optional(),
});
export type AckPayload = z.infer<typeof ackPayloadSchema>;

export const cmdPayloadSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("config"),
    keepaliveS: z.number().int().positive().optional(),
    cancelWindowS: z.number().int().nonnegative().optional(),
    /** The green key's menu: the community's service categories (v1.2 addition; set-top boxes). */
    categories: z.array(z.object({ key: serviceCategoryKeySchema, nameZh: z.string().min(1).max(32), nameEn: z.string().min(1).max(64) })).min(1).max(12).optional(),
  }),
  /** A message for the screen, shown until dismissed; `msgId` (v1 addition) comes back in `event shown` / `dismissed`. */
  z.object({ type: z.literal("display"), text: z.string().max(200), msgId: z.number().int().positive().optional(), from: z.string().max(64).optional() }),
  z.object({ type: z.literal("selftest") }),
]);
export type CmdPayload = z.infer<typeof cmdPayloadSchema>;

/**
 * Device → gateway signals that are not alarms (topic `event`, v1 addition, QoS 1, never retained):
 * `activity` is a sign of life (the TV in use, a long press of the green key); `shown` and
 * `dismissed` report a `cmd display` message by its msgId.
 */
export const deviceEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("activity"), ts: z.number().int().nonnegative(), source: z.enum(["tv", "key"]).optional() }),
  z.object({ type: z.literal("shown"), msgId: z.number().int().positive() }),
  z.object({ type: z.literal("dismissed"), msgId: z.number().int().positive() }),
]);
export type DeviceEvent = z.infer<typeof deviceEventSchema>;

/** Largest MQTT packet the broker accepts; every valid v1 payload is far smaller. */
export const MAX_PACKET_BYTES = 4096;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; code: "HK_MQTT_BAD_JSON" | "HK_MQTT_SCHEMA"; message: string };

/** JSON.parse + schema in one step; an expected outcome, so a value and never a throw. */
export function parsePayload<T>(schema: z.ZodType<T>, payload: Buffer | string): ParseResult<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof payload === "string" ? payload : payload.toString("utf8"));
  } catch {
    return { ok: false, code: "HK_MQTT_BAD_JSON", message: "payload is not JSON" };
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    return { ok: false, code: "HK_MQTT_SCHEMA", message: `${issue?.path.join(".") || "payload"}: ${issue?.message ?? "invalid"}` };
  }
  return { ok: true, value: r.data };
}
