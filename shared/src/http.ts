/** HTTP API v1 bodies and queries (DESIGN.md "HTTP API"). */
import { z } from "zod";
import { deviceIdSchema } from "./protocol";
import { alertStates, deviceTypes, languages, outcomes } from "./domain";
import { policySchema } from "./policy";

const id = z.coerce.number().int().positive();
const name = z.string().trim().min(1).max(100);
/** E.164: + and up to 15 digits. */
export const phoneSchema = z.string().regex(/^\+[1-9]\d{6,14}$/, "phone must be E.164, e.g. +8613800138000");

export const idParamSchema = z.object({ id });
export const deviceIdParamSchema = z.object({ id: deviceIdSchema });

export const createCommunitySchema = z.object({
  name,
  supervisorPhone: phoneSchema.optional(),
  language: z.enum(languages).default("zh-CN"),
  policy: policySchema.partial().optional(),
});
export const createBuildingSchema = z.object({ communityId: id, name });
export const createUnitSchema = z.object({ buildingId: id, name });
export const createHouseholdSchema = z.object({
  unitId: id,
  room: z.string().trim().min(1).max(32),
  name: z.string().max(100).optional(),
  notes: z.string().max(1000).optional(),
});
export const createResidentSchema = z.object({
  householdId: id,
  name,
  language: z.enum(languages).default("zh-CN"),
  notes: z.string().max(1000).optional(),
});
export const createContactSchema = z.object({
  householdId: id,
  name,
  phone: phoneSchema,
  relation: z.string().trim().min(1).max(32),
  priority: z.number().int().min(1).max(9),
  language: z.enum(languages).default("zh-CN"),
});
export const createDeviceSchema = z.object({
  householdId: id,
  type: z.enum(deviceTypes),
  id: deviceIdSchema.optional(),
});

/** PATCH bodies: every field optional, the parent id may not move. */
export const patchSchemas = {
  communities: createCommunitySchema.partial(),
  buildings: createBuildingSchema.omit({ communityId: true }).partial(),
  units: createUnitSchema.omit({ buildingId: true }).partial(),
  households: createHouseholdSchema.omit({ unitId: true }).partial(),
  residents: createResidentSchema.omit({ householdId: true }).partial(),
  contacts: createContactSchema.omit({ householdId: true }).partial(),
} as const;

export const listQuerySchemas = {
  communities: z.object({}),
  buildings: z.object({ communityId: id.optional() }),
  units: z.object({ buildingId: id.optional() }),
  households: z.object({ unitId: id.optional() }),
  residents: z.object({ householdId: id.optional() }),
  contacts: z.object({ householdId: id.optional() }),
  devices: z.object({ householdId: id.optional() }),
} as const;

export const alertListQuerySchema = z.object({
  state: z.enum(alertStates).optional(),
  communityId: id.optional(),
  since: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const actionBodySchema = z.object({ by: z.string().trim().min(1).max(64).optional(), note: z.string().max(1000).optional() }).default({});
export const resolveBodySchema = z.object({
  by: z.string().trim().min(1).max(64).optional(),
  outcome: z.enum(outcomes),
  note: z.string().max(1000).optional(),
});

export const createdDeviceSchema = z.object({
  id: deviceIdSchema,
  secret: z.string(),
  mqtt: z.object({ url: z.string() }),
});
export type CreatedDevice = z.infer<typeof createdDeviceSchema>;
