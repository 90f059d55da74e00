/**
 * Help groups (楼栋单元组群): neighbours, volunteers and the grid worker, bound once to a building or a
 * unit, and called for every household in it after the family's waves.
 */
import { z } from "zod";
import { languages } from "./domain";
import { idSchema as id, idTextSchema as idText, patchOf } from "./ids";
import { pageQuerySchema, phoneTextSchema } from "./registry";

export const helpGroupScopes = ["building", "unit"] as const;
export type HelpGroupScope = (typeof helpGroupScopes)[number];

export const helpGroupRoles = ["neighbour", "volunteer", "grid_worker"] as const;
export type HelpGroupRole = (typeof helpGroupRoles)[number];

const name = z.string().trim().min(1).max(100);

/** `refId` is the building's or the unit's id (by `scope`), a place of `communityId`. */
export const createHelpGroupSchema = z.object({ communityId: id, name, scope: z.enum(helpGroupScopes), refId: id });
/** A group stays in its community; it may be renamed or bound to another place of it. */
export const patchHelpGroupSchema = patchOf(createHelpGroupSchema.omit({ communityId: true }));
export const helpGroupListQuerySchema = pageQuerySchema.extend({
  communityId: idText.optional(),
  scope: z.enum(helpGroupScopes).optional(),
  refId: idText.optional(),
});

/** The phone as typed, read in the community's country; `language` defaults to the community's. */
export const createHelpGroupMemberSchema = z.object({
  name: z.string().trim().min(1).max(64),
  phone: phoneTextSchema,
  role: z.enum(helpGroupRoles),
  /** 1 is called first; each value is one wave, after the family's last. */
  priority: z.number().int().min(1).max(9).default(1),
  language: z.enum(languages).optional(),
});
export const patchHelpGroupMemberSchema = patchOf(createHelpGroupMemberSchema);
export const helpGroupMemberParamSchema = z.object({ id: idText, memberId: idText });
export const helpGroupMemberListQuerySchema = pageQuerySchema;

/**
 * A help-group member stands in an alert's notifications (`contactId`) as this number plus the
 * member's id: the outbox, the claim by key or SMS and the timelines treat them as the household's
 * contacts, and the range never meets a contact's own id.
 */
export const HELP_GROUP_CONTACT_BASE = 2 ** 40;

export function helpGroupContactId(memberId: number): number {
  return HELP_GROUP_CONTACT_BASE + memberId;
}

/** The member a notification's contactId names, or null for a household's own contact. */
export function helpGroupMemberOf(contactId: number): number | null {
  return contactId > HELP_GROUP_CONTACT_BASE ? contactId - HELP_GROUP_CONTACT_BASE : null;
}
