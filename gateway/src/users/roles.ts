/**
 * Console roles (dispatcher / supervisor scoped to communities, district scoped to districts, admin) and the
 * bodies of the account, session and patrol routes. They live here, not in shared/, because only the
 * gateway parses them; the dashboard sends them and never validates its own output.
 */
import { z } from "zod";
import { idSchema as id, languages, outcomes, pageQuerySchema, patchOf } from "@helpkey/shared";

export const roles = ["dispatcher", "supervisor", "district", "admin"] as const;
export type Role = (typeof roles)[number];
/** Every logged-in console user may use a route marked with this. */
export const anyRole: readonly Role[] = roles;
/** Roster management (patrol members) is the shift lead's job, not every dispatcher's. */
export const leads: readonly Role[] = ["supervisor", "admin"];
/** The registry, devices and accounts. */
export const adminOnly: readonly Role[] = ["admin"];
/** The district command centre's pages (its districts, its dashboard). */
export const districtReaders: readonly Role[] = ["district", "admin"];

const password = z.string().min(8, "password: at least 8 characters").max(200);

export const createUserSchema = z.object({
  username: z.string().trim().min(2).max(64).regex(/^[A-Za-z0-9_.@-]+$/, "username: letters, digits, _ . @ -"),
  name: z.string().trim().min(1).max(64),
  password,
  role: z.enum(roles),
  /** Required for dispatchers and supervisors (a console that sees nothing is a mistake); admins see every community. */
  communityIds: z.array(id).max(1000).default([]),
  /** Required for district users: they see every community of these districts, whichever communities those are now. */
  districtIds: z.array(id).max(100).default([]),
  language: z.enum(languages).default("zh-CN"),
});
export type CreateUser = z.infer<typeof createUserSchema>;

export const patchUserSchema = patchOf(createUserSchema.omit({ username: true }));

export const loginSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(200),
});

export const dispatchPatrolSchema = z.object({ patrolMemberId: id });

export const responderSteps = ["on-way", "arrived", "resolved"] as const;
export type ResponderStep = (typeof responderSteps)[number];
export const responderParamsSchema = z.object({ token: z.string().min(10).max(200), step: z.enum(responderSteps) });
export const responderResolveSchema = z.object({
  outcome: z.enum(outcomes).default("real"),
  note: z.string().max(1000).optional(),
}).default({ outcome: "real" });

/** `GET /api/users`: one page (the list contract: `limit`, opaque `cursor`, `x-next-cursor` while more follow). */
export const userListQuerySchema = pageQuerySchema.extend({ role: z.enum(roles).optional() });
