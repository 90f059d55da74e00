/** HTTP API v1 bodies and queries. */
import { z } from "zod";
import { alarmKinds, deviceIdSchema } from "./protocol";
import { alertStates, deviceTypes, languages, outcomes, serviceCategorySchema } from "./domain";
import { ageSchema, boolTextSchema, contactRoles, countryCodeSchema, pageQuerySchema, phoneTextSchema } from "./registry";
import { policySchema } from "./policy";
import { boundedCountText, countTextSchema, idSchema as id, idTextSchema as idText, patchOf } from "./ids";

const name = z.string().trim().min(1).max(100);
/** E.164: + and up to 15 digits. */
export const phoneSchema = z.string().regex(/^\+[1-9]\d{6,14}$/, "phone must be E.164, e.g. +8613800138000");

export const idParamSchema = z.object({ id: idText });
export const deviceIdParamSchema = z.object({ id: deviceIdSchema });

export const createCommunitySchema = z.object({
  name,
  /** Reads the phone numbers typed for this community and its households (138 0013 8000 → +86…). */
  countryCode: countryCodeSchema.default("CN"),
  /** The district above it (null: none). */
  districtId: id.nullable().optional(),
  supervisorPhone: phoneTextSchema.optional(),
  /** The community centre's number, shown as a call link to responders and dispatchers. */
  phone: phoneTextSchema.optional(),
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
  /** Lives alone: welfare checks watch for a sign of life. */
  livesAlone: z.boolean().default(false),
  /** Welfare checks text the household's contacts too (null: the community policy's welfare.includeFamily). */
  welfareIncludeFamily: z.boolean().nullable().optional(),
});
export const createResidentSchema = z.object({
  householdId: id,
  name,
  age: ageSchema.optional(),
  language: z.enum(languages).default("zh-CN"),
  notes: z.string().max(1000).optional(),
  phone: phoneTextSchema.optional(),
  medical: z.string().max(1000).optional(),
  mobility: z.string().max(200).optional(),
});
export const createContactSchema = z.object({
  householdId: id,
  name,
  phone: phoneTextSchema,
  relation: z.string().trim().min(1).max(32),
  role: z.enum(contactRoles).default("family"),
  priority: z.number().int().min(1).max(9),
  language: z.enum(languages).default("zh-CN"),
  /** Holds a key to the flat. */
  hasKey: z.boolean().default(false),
});
export const createDeviceSchema = z.object({
  householdId: id,
  type: z.enum(deviceTypes),
  id: deviceIdSchema.optional(),
});

/** PATCH bodies: every field optional and none defaulted; the parent id may not move. */
export const patchSchemas = {
  communities: patchOf(createCommunitySchema),
  buildings: patchOf(createBuildingSchema.omit({ communityId: true })),
  units: patchOf(createUnitSchema.omit({ buildingId: true })),
  households: patchOf(createHouseholdSchema.omit({ unitId: true })),
  residents: patchOf(createResidentSchema.omit({ householdId: true })),
  contacts: patchOf(createContactSchema.omit({ householdId: true })),
} as const;

/** Every list pages (`limit`, `cursor`) and filters by its parent id. */
export const listQuerySchemas = {
  communities: pageQuerySchema.extend({ districtId: idText.optional() }),
  buildings: pageQuerySchema.extend({ communityId: idText.optional() }),
  units: pageQuerySchema.extend({ buildingId: idText.optional() }),
  households: pageQuerySchema.extend({ unitId: idText.optional(), buildingId: idText.optional(), communityId: idText.optional(), livesAlone: boolTextSchema.optional() }),
  residents: pageQuerySchema.extend({ householdId: idText.optional() }),
  contacts: pageQuerySchema.extend({ householdId: idText.optional(), role: z.enum(contactRoles).optional() }),
  devices: pageQuerySchema.extend({ householdId: idText.optional() }),
} as const;

/** Newest first; `since` and `until` bound the first press (epoch ms, since inclusive, until exclusive). */
export const alertListQuerySchema = pageQuerySchema.extend({
  state: z.enum(alertStates).optional(),
  communityId: idText.optional(),
  kind: z.enum(alarmKinds).optional(),
  since: countTextSchema.optional(),
  until: countTextSchema.optional(),
});

export const actionBodySchema = z.object({ by: z.string().trim().min(1).max(64).optional(), note: z.string().max(1000).optional() }).default({});
export const resolveBodySchema = z.object({
  by: z.string().trim().min(1).max(64).optional(),
  outcome: z.enum(outcomes),
  note: z.string().max(1000).optional(),
});

/** A door or key-safe code: digits, letters, `#` and `*`, as keypads have them. */
export const doorCodeBodySchema = z.object({ doorCode: z.string().trim().min(1).max(32).regex(/^[0-9A-Za-z#* -]+$/, "doorCode: digits, letters, # * - and spaces") });
/** Which alert a door code is revealed for: the audit names it. */
export const doorCodeRevealSchema = z.object({ alertId: id.optional() }).default({});

export const createdDeviceSchema = z.object({
  id: deviceIdSchema,
  secret: z.string(),
  mqtt: z.object({ url: z.string() }),
});
export type CreatedDevice = z.infer<typeof createdDeviceSchema>;

/** A note on an alert (the service queue's running log); audited. */
export const alertNoteBodySchema = z.object({ by: z.string().trim().min(1).max(64).optional(), note: z.string().trim().min(1).max(1000) });

/** PUT: the community's service categories, replacing the list. */
export const serviceCategoriesBodySchema = z.object({ categories: z.array(serviceCategorySchema).min(1).max(32) })
  .refine((b) => new Set(b.categories.map((c) => c.key)).size === b.categories.length, { message: "category keys must be unique", path: ["categories"] });

const idList = z.array(id).max(1000).optional();
/** A grid (网格): the buildings, units and households its workers look after. */
export const createGridSchema = z.object({ communityId: id, name, buildingIds: idList, unitIds: idList, householdIds: idList });
export const patchGridSchema = createGridSchema.omit({ communityId: true }).partial();
export const gridListQuerySchema = z.object({ communityId: idText.optional() });
export const createGridWorkerSchema = z.object({ name, phone: phoneTextSchema, language: z.enum(languages).default("zh-CN") });

/** A message for the TV of a household or of every household of a building. */
export const tvMessageBodySchema = z.object({ text: z.string().trim().min(1).max(200) });
export const tvMessageListQuerySchema = z.object({
  householdId: idText.optional(),
  buildingId: idText.optional(),
  limit: boundedCountText(1, 1000).default(200),
});
