/**
 * The gateway's tables of the people around the alarms: console accounts and sessions, the patrol,
 * door codes, the registry's audit log, grids and TV messages. Part of the schema (schema.ts
 * re-exports this file; migrations are generated from both).
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { alerts, communities, districts, households } from "./schema";

const createdAt = () => integer("created_at").notNull();

/* ---- Console: dispatcher accounts, sessions, patrol roster, responder dispatches ---- */

/** Console accounts (roles dispatcher / supervisor / admin, scoped to communities). */
export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  username: text("username").notNull(),
  /** Shown in the audit trail and on the resident's device ("Dispatcher Zhang is on the way"). */
  name: text("name").notNull(),
  role: text("role", { enum: ["dispatcher", "supervisor", "district", "admin"] }).notNull(),
  /** scrypt, via devices/secret-hash.ts. */
  passwordHash: text("password_hash").notNull(),
  language: text("language", { enum: ["zh-CN", "en"] }).notNull().default("zh-CN"),
  disabledAt: integer("disabled_at"),
  createdAt: createdAt(),
}, (t) => [uniqueIndex("users_username").on(t.username)]);

/** Which communities a dispatcher or supervisor sees (admins see every community). */
export const userCommunities = sqliteTable("user_communities", {
  userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  communityId: integer("community_id").notNull().references(() => communities.id, { onDelete: "cascade" }),
}, (t) => [primaryKey({ columns: [t.userId, t.communityId] }), index("user_communities_community").on(t.communityId)]);

/** Which districts a district user sees (every community of each). */
export const userDistricts = sqliteTable("user_districts", {
  userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  districtId: integer("district_id").notNull().references(() => districts.id, { onDelete: "cascade" }),
}, (t) => [primaryKey({ columns: [t.userId, t.districtId] }), index("user_districts_district").on(t.districtId)]);

/** Every change to the registry: who, what, before and after (JSON; secrets never stored). */
export const auditLog = sqliteTable("audit_log", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  at: integer("at").notNull(),
  actor: text("actor").notNull(),
  userId: integer("user_id"),
  /** The community the record belongs to (null: install-wide, such as a district or a user). */
  communityId: integer("community_id"),
  entity: text("entity").notNull(),
  entityId: text("entity_id").notNull(),
  action: text("action", { enum: ["create", "update", "delete"] }).notNull(),
  before: text("before"),
  after: text("after"),
}, (t) => [index("audit_log_community").on(t.communityId, t.id), index("audit_log_entity").on(t.entity, t.entityId, t.id)]);

/**
 * Console sessions behind the httpOnly cookie. Only the token's SHA-256 is stored, so a copy of the
 * database cannot be replayed as a login. user_id null = the install's admin token holder.
 */
export const sessions = sqliteTable("sessions", {
  id: text("id").primaryKey(),
  userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
  createdAt: createdAt(),
  lastSeenAt: integer("last_seen_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
}, (t) => [index("sessions_user").on(t.userId), index("sessions_expires").on(t.expiresAt)]);

/** The community's patrol / responders, who can be dispatched to an alert from the console. */
export const patrolMembers = sqliteTable("patrol_members", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  communityId: integer("community_id").notNull().references(() => communities.id),
  name: text("name").notNull(),
  phone: text("phone").notNull(),
  language: text("language", { enum: ["zh-CN", "en"] }).notNull().default("zh-CN"),
  /** Retired members stay for the audit trail of past dispatches. */
  retiredAt: integer("retired_at"),
  createdAt: createdAt(),
}, (t) => [index("patrol_members_community").on(t.communityId)]);

/** One patrol member sent to one alert; the responder link's signed token names this row. */
export const responderDispatches = sqliteTable("responder_dispatches", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  alertId: integer("alert_id").notNull().references(() => alerts.id),
  patrolMemberId: integer("patrol_member_id").notNull().references(() => patrolMembers.id),
  name: text("name").notNull(),
  dispatchedBy: text("dispatched_by").notNull(),
  status: text("status", { enum: ["dispatched", "on_way", "arrived", "resolved"] }).notNull(),
  expiresAt: integer("expires_at").notNull(),
  createdAt: createdAt(),
  updatedAt: integer("updated_at").notNull(),
}, (t) => [index("responder_dispatches_alert").on(t.alertId)]);

/**
 * The way in (door or key-safe code), apart from the household row so no directory listing or
 * console frame ever carries it; read only through the audited reveal.
 */
export const householdAccess = sqliteTable("household_access", {
  householdId: integer("household_id").primaryKey().references(() => households.id, { onDelete: "cascade" }),
  doorCode: text("door_code").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Every reveal of a door code: who, which household, during which alert, when. */
export const doorCodeReveals = sqliteTable("door_code_reveals", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  householdId: integer("household_id").notNull().references(() => households.id, { onDelete: "cascade" }),
  alertId: integer("alert_id"),
  communityId: integer("community_id").notNull(),
  actor: text("actor").notNull(),
  userId: integer("user_id"),
  at: integer("at").notNull(),
}, (t) => [index("door_code_reveals_household").on(t.householdId), index("door_code_reveals_alert").on(t.alertId)]);

/* ---- Service requests: grids (网格) and their workers; TV messages ---- */

/** A grid: a set of households looked after by its grid workers. */
export const grids = sqliteTable("grids", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  communityId: integer("community_id").notNull().references(() => communities.id),
  name: text("name").notNull(),
  createdAt: createdAt(),
}, (t) => [index("grids_community").on(t.communityId)]);

/**
 * What a grid names: a building, a unit or a household. Each place belongs to at most one grid;
 * a household's grid is the one naming it, else its unit, else its building.
 */
export const gridMembers = sqliteTable("grid_members", {
  gridId: integer("grid_id").notNull().references(() => grids.id, { onDelete: "cascade" }),
  scope: text("scope", { enum: ["building", "unit", "household"] }).notNull(),
  refId: integer("ref_id").notNull(),
}, (t) => [primaryKey({ columns: [t.scope, t.refId] }), index("grid_members_grid").on(t.gridId)]);

export const gridWorkers = sqliteTable("grid_workers", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  gridId: integer("grid_id").notNull().references(() => grids.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  phone: text("phone").notNull(),
  language: text("language", { enum: ["zh-CN", "en"] }).notNull().default("zh-CN"),
  createdAt: createdAt(),
}, (t) => [index("grid_workers_grid").on(t.gridId)]);

/** A message sent to one set-top box (`cmd display` with msgId = id), and what became of it. */
export const tvMessages = sqliteTable("tv_messages", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  communityId: integer("community_id").notNull(),
  householdId: integer("household_id").notNull().references(() => households.id, { onDelete: "cascade" }),
  deviceId: text("device_id"),
  text: text("text").notNull(),
  by: text("by").notNull(),
  status: text("status", { enum: ["sent", "shown", "dismissed", "no_device"] }).notNull(),
  shownAt: integer("shown_at"),
  dismissedAt: integer("dismissed_at"),
  createdAt: createdAt(),
}, (t) => [index("tv_messages_household").on(t.householdId, t.id), index("tv_messages_community").on(t.communityId, t.id)]);
