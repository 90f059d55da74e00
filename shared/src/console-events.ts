/**
 * Console WebSocket frames: numbered events, resumable with `?since=N`.
 * `n` is the event's number in the gateway's append-only event log; a console keeps the
 * highest `n` it saw and reconnects with it.
 */
import { z } from "zod";
import { alertViewSchema, deviceStatusViewSchema, notificationViewSchema, tvMessageViewSchema } from "./domain";
import { countTextSchema, idSchema } from "./ids";
import { faultViewSchema } from "./supervision";

export const consoleEventTypes = [
  "alert.created", "alert.pressed", "alert.cancel_requested", "alert.acknowledged", "alert.dispatched",
  "alert.arrived", "alert.resolved", "alert.cancelled", "notification.updated", "device.status",
  // a contact on the way to an alert the community centre already has; the arrival timer ran out; back to open
  "alert.going", "alert.overdue", "alert.reopened",
  // a note added to an alert (the service queue's log); a message sent to a set-top box, and its shown / dismissed reports
  "alert.noted", "tv_message.updated",
  // still unclaimed after the district delay: up to the district command centre's console, with sound
  "alert.escalated",
  // a dispatcher said a drill alarm is real: it left the drill, and the family a quiet drill left out is told
  "alert.real",
  // a technical alert (device supervision): raised, acknowledged, cleared, or its grid workers' texts moved on
  "fault.raised", "fault.acknowledged", "fault.cleared", "fault.updated",
] as const;
export type ConsoleEventType = (typeof consoleEventTypes)[number];

export const consoleEventSchema = z.object({
  n: z.number().int().positive(),
  type: z.enum(consoleEventTypes),
  ts: z.number().int(),
  communityId: idSchema,
  actor: z.string().nullable(),
  alert: alertViewSchema.optional(),
  notification: notificationViewSchema.optional(),
  device: deviceStatusViewSchema.optional(),
  message: tvMessageViewSchema.optional(),
  fault: faultViewSchema.optional(),
});
export type ConsoleEvent = z.infer<typeof consoleEventSchema>;

/** First frame on a connection without `since` (or when `since` is too old to replay). */
export const consoleSnapshotSchema = z.object({
  type: z.literal("snapshot"),
  n: z.number().int().nonnegative(),
  alerts: z.array(alertViewSchema),
  /** The live alerts' notifications that try to reach a person (alarm texts, calls), so every card can say who was reached. */
  notifications: z.array(notificationViewSchema).default([]),
});
export type ConsoleSnapshot = z.infer<typeof consoleSnapshotSchema>;

export const consoleFrameSchema = z.union([consoleSnapshotSchema, consoleEventSchema]);
export type ConsoleFrame = z.infer<typeof consoleFrameSchema>;

export const consoleQuerySchema = z.object({
  since: countTextSchema.optional(),
  /** The admin token, for scripts that cannot set a header; accepted on this WebSocket only. */
  token: z.string().optional(),
});
