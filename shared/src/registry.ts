/**
 * The registry API's building blocks: phone numbers as people type them, the community's country,
 * contacts' roles, cursor pagination, the patrol roster's bodies and the audit trail's query.
 */
import { isSupportedCountry } from "libphonenumber-js/max";
import { z } from "zod";
import { languages } from "./domain";
import { boundedCountText, idSchema as id, idTextSchema as idText } from "./ids";

/**
 * A phone number as typed ("138 0013 8000", "+86 138-0013-8000"): free text, read in the community's
 * numbering plan by the route and stored as E.164.
 */
export const phoneTextSchema = z.string().trim().min(1, "a phone number is required").max(40, "at most 40 characters");

/** ISO 3166-1 alpha-2, upper case, of a country with a numbering plan: how local phone numbers are read. */
export const countryCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .refine((c) => /^[A-Z]{2}$/.test(c) && isSupportedCountry(c), "an ISO 3166 two-letter country code with a numbering plan, e.g. CN or US");

/** Who a household's contact is in the call plan. */
export const contactRoles = ["family", "neighbour", "grid_worker", "patrol", "supervisor"] as const;
export type ContactRole = (typeof contactRoles)[number];

/** Age in years. */
export const ageSchema = z.number().int().min(0).max(130);

/** `true` or `false` in a query string, nothing else. */
export const boolTextSchema = z.enum(["true", "false"], "true or false").transform((v) => v === "true");

/**
 * Every list: at most `limit` rows (1..500, default 100) after `cursor`, the opaque string a previous
 * page gave in its `x-next-cursor` header.
 */
export const pageQuerySchema = z.object({
  limit: boundedCountText(1, 500).default(100),
  cursor: z.string().min(1).max(200).optional(),
});

/** The patrol roster: a member's body, and a PATCH that changes only what it names. */
export const createPatrolMemberSchema = z.object({
  communityId: id,
  name: z.string().trim().min(1).max(64),
  phone: phoneTextSchema,
  language: z.enum(languages).default("zh-CN"),
});
export const patchPatrolMemberSchema = z.object({
  name: z.string().trim().min(1).max(64),
  phone: phoneTextSchema,
  language: z.enum(languages),
}).partial();
export const patrolRosterQuerySchema = pageQuerySchema.extend({ communityId: idText.optional() });

/** The registry's audit trail, newest first. */
export const auditQuerySchema = pageQuerySchema.extend({
  communityId: idText.optional(),
  entity: z.string().regex(/^[a-z_]{1,40}$/, "a record kind in lower case, e.g. household").optional(),
  entityId: z.string().min(1).max(64).optional(),
});
