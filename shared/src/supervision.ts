/**
 * Device supervision (运维): technical alerts for a device offline past its window, a low battery, a
 * failed self-test. They are kept apart from alarms: a fault never takes a household's alert, never
 * calls anyone, and texts only the household's grid workers.
 */
import { z } from "zod";
import { addressSchema, deviceTypes, notificationStatuses } from "./domain";
import { idSchema, idTextSchema } from "./ids";
import { deviceIdSchema } from "./protocol";
import { pageQuerySchema } from "./registry";

export const faultTypes = ["offline", "low_battery", "selftest_failed"] as const;
export type FaultType = (typeof faultTypes)[number];

export const faultViewSchema = z.object({
  id: idSchema,
  deviceId: z.string(),
  deviceType: z.enum(deviceTypes),
  householdId: idSchema,
  communityId: idSchema,
  type: z.enum(faultTypes),
  raisedAt: z.number().int(),
  /** The device came back, or reported better; null while the fault is open. */
  clearedAt: z.number().int().nullable(),
  acknowledgedAt: z.number().int().nullable(),
  acknowledgedBy: z.string().nullable(),
  /** When the grid workers are texted unless it clears or is acknowledged first; null: not (any more). */
  smsDueAt: z.number().int().nullable(),
  /** When their texts were queued. */
  smsSentAt: z.number().int().nullable(),
  /** The battery level, or what the self-test reported. */
  detail: z.string().nullable(),
  address: addressSchema,
  /** Each grid worker's text and where it stands. */
  texts: z.array(z.object({ name: z.string(), status: z.enum(notificationStatuses) })),
});
export type FaultView = z.infer<typeof faultViewSchema>;

/** `GET /api/faults`: one page, newest first; `open` (the default) lists the faults not cleared yet. */
export const faultListQuerySchema = pageQuerySchema.extend({
  communityId: idTextSchema.optional(),
  deviceId: deviceIdSchema.optional(),
  state: z.enum(["open", "all"]).default("open"),
});

/** `PATCH /api/devices/:id/supervision`: the device's own window in seconds (close watch), or null for the community's. */
export const supervisionBodySchema = z.object({
  supervisionS: z.number().int().min(1).max(86_400).nullable(),
});

/** What the device board adds to each device about its supervision. */
export interface DeviceSupervision {
  /** The device's own window; null: the community's (`windowS`). */
  supervisionS: number | null;
  /** The window in force, and the keepalive the device is given for it. */
  windowS: number;
  keepaliveS: number;
  /** The community's close-watch window (what the console's "close watch" sets). */
  closeWindowS: number;
  /** The last self-test's result (null: none reported) and when it came. */
  selftestOk: boolean | null;
  selftestAt: number | null;
  /** The device's open faults. */
  faults: FaultType[];
}
