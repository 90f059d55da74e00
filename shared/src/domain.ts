/** Domain values shared by the gateway, the console and the tests (docs/architecture.md). */
import { z } from "zod";
import { idSchema } from "./ids";
import { alarmKinds, serviceCategoryKeySchema, type AlarmKind } from "./protocol";

export const alertStates = ["open", "acknowledged", "responding", "resolved", "cancelled"] as const;
export type AlertState = (typeof alertStates)[number];
export const terminalStates: readonly AlertState[] = ["resolved", "cancelled"];

export const languages = ["zh-CN", "en"] as const;
export type Language = (typeof languages)[number];

export const outcomes = ["real", "false_alarm", "test"] as const;
export type Outcome = (typeof outcomes)[number];

/** A contact's relation to the resident, as the console names it in both languages; other words are shown as written. */
export const contactRelations = ["daughter", "son", "spouse", "sibling", "grandchild", "relative", "friend", "neighbour", "grid worker", "patrol", "supervisor", "carer", "volunteer"] as const;
export type ContactRelation = (typeof contactRelations)[number];

/** How the person on the way said so: a key press on the call, an SMS reply, the patrol's responder page. */
export const goingVias = ["key", "sms", "patrol"] as const;
export type GoingVia = (typeof goingVias)[number];

export const deviceTypes = ["button", "stb"] as const;
export type DeviceType = (typeof deviceTypes)[number];

/** Lower is more urgent: fire, medical, emergency, intrusion above service requests. */
export const kindPriority: Record<AlarmKind, number> = { fire: 1, medical: 2, emergency: 3, intrusion: 4, service: 9 };

export const channels = ["sms", "call", "control"] as const;
export type Channel = (typeof channels)[number];

export const notificationStatuses = [
  "queued", "sending", "sent", "delivered", "undelivered", "ringing", "in-progress", "answered",
  "voicemail", "pressed1", "pressed2", "no-answer", "busy", "completed", "failed", "cancelled",
] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];

export const addressSchema = z.object({
  community: z.string(),
  building: z.string(),
  unit: z.string(),
  room: z.string(),
});
export type Address = z.infer<typeof addressSchema>;

export const alertViewSchema = z.object({
  id: idSchema,
  communityId: idSchema,
  householdId: idSchema,
  deviceId: z.string(),
  kind: z.enum(alarmKinds),
  state: z.enum(alertStates),
  priority: z.number().int(),
  pressCount: z.number().int(),
  firstPressAt: z.number().int(),
  lastPressAt: z.number().int(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: z.number().int().nullable(),
  closedAt: z.number().int().nullable(),
  outcome: z.enum(outcomes).nullable(),
  note: z.string().nullable(),
  /** A person on the way (never a dispatcher's acknowledge), how they said so, and when. */
  goingBy: z.string().nullable(),
  goingVia: z.enum(goingVias).nullable(),
  goingAt: z.number().int().nullable(),
  /** Someone is with the resident. */
  arrivedAt: z.number().int().nullable(),
  /** Claimed or acknowledged, nobody on site in time (or pressed again): the console sounds until it is settled. */
  overdueAt: z.number().int().nullable(),
  /** When the cascade's next step (the next wave of calls) is due, as of this view; null: none planned. */
  cascadeDueAt: z.number().int().nullable(),
  /** A service request's category key, or "welfare_check"; null for emergencies and uncategorised requests. */
  category: z.string().nullable(),
  /** A service request's answer-time target: first press + the category's targetS. */
  answerDueAt: z.number().int().nullable(),
  /** Raised while its device or household was in maintenance: on the console only, nobody texted or called. */
  maintenance: z.boolean(),
  /** Raised while a drill ran in its community (the drill's id): the console badges it, the drill's report times it. */
  drillId: idSchema.nullable(),
  address: addressSchema,
  residents: z.array(z.string()),
});
export type AlertView = z.infer<typeof alertViewSchema>;

export const notificationViewSchema = z.object({
  id: idSchema,
  alertId: idSchema,
  contactId: idSchema.nullable(),
  contactName: z.string(),
  channel: z.enum(channels),
  purpose: z.string(),
  wave: z.number().int(),
  status: z.enum(notificationStatuses),
  attempts: z.number().int(),
  providerSid: z.string().nullable(),
  lastError: z.string().nullable(),
  updatedAt: z.number().int(),
});
export type NotificationView = z.infer<typeof notificationViewSchema>;

export const deviceStatusViewSchema = z.object({
  id: z.string(),
  householdId: idSchema,
  type: z.enum(deviceTypes),
  online: z.boolean(),
  battery: z.number().nullable(),
  lastSeenAt: z.number().int().nullable(),
});
export type DeviceStatusView = z.infer<typeof deviceStatusViewSchema>;

/** The category of the service alert a welfare check raises. */
export const WELFARE_CHECK = "welfare_check";

/** Who a service category's requests are texted to: the household's grid workers, or the category's named contact. */
export const serviceRoutes = ["grid", "contact"] as const;

/** A service request's answer-time target when its category sets none (10 minutes). */
export const DEFAULT_SERVICE_TARGET_S = 600;

export const serviceCategorySchema = z.object({
  key: serviceCategoryKeySchema.refine((k) => k !== WELFARE_CHECK, "welfare_check is reserved for welfare checks"),
  nameZh: z.string().trim().min(1).max(32),
  nameEn: z.string().trim().min(1).max(64),
  /** Answer-time target in seconds. */
  targetS: z.number().int().min(60).max(7 * 86400).default(DEFAULT_SERVICE_TARGET_S),
  route: z.enum(serviceRoutes).default("grid"),
  contactName: z.string().trim().min(1).max(100).optional(),
  contactPhone: z.string().regex(/^\+[1-9]\d{6,14}$/, "contactPhone must be E.164, e.g. +8613800138000").optional(),
}).refine((c) => c.route !== "contact" || (c.contactName && c.contactPhone), { message: "a category with route \"contact\" needs contactName and contactPhone", path: ["contactPhone"] });
export type ServiceCategory = z.infer<typeof serviceCategorySchema>;

/** The categories of a community that has configured none. */
export const defaultServiceCategories: readonly ServiceCategory[] = Object.freeze([
  { key: "medical_help", nameZh: "医疗求助", nameEn: "Medical help", targetS: DEFAULT_SERVICE_TARGET_S, route: "grid" },
  { key: "home_care", nameZh: "居家养老", nameEn: "Elderly care at home", targetS: DEFAULT_SERVICE_TARGET_S, route: "grid" },
  { key: "housekeeping", nameZh: "家政服务", nameEn: "Housekeeping", targetS: DEFAULT_SERVICE_TARGET_S, route: "grid" },
  { key: "repairs", nameZh: "维修", nameEn: "Repairs", targetS: DEFAULT_SERVICE_TARGET_S, route: "grid" },
  { key: "utilities", nameZh: "水电气", nameEn: "Utilities", targetS: DEFAULT_SERVICE_TARGET_S, route: "grid" },
  { key: "government", nameZh: "政务咨询", nameEn: "Questions to the government", targetS: DEFAULT_SERVICE_TARGET_S, route: "grid" },
] satisfies ServiceCategory[]);

export const tvMessageStatuses = ["sent", "shown", "dismissed", "no_device"] as const;
export type TvMessageStatus = (typeof tvMessageStatuses)[number];

export const tvMessageViewSchema = z.object({
  id: idSchema,
  householdId: idSchema,
  /** The set-top box it went to; null when the household has none (status no_device). */
  deviceId: z.string().nullable(),
  text: z.string(),
  by: z.string(),
  createdAt: z.number().int(),
  status: z.enum(tvMessageStatuses),
  shownAt: z.number().int().nullable(),
  dismissedAt: z.number().int().nullable(),
});
export type TvMessageView = z.infer<typeof tvMessageViewSchema>;
