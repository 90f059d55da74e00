/**
 * The gateway's tables (drizzle, SQLite): the directory, devices, alarms and the outbox here, the
 * people around them in schema-console.ts (re-exported below). Migrations are generated from both
 * (`pnpm db:generate`) and committed under gateway/drizzle.
 */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdAt = () => integer("created_at").notNull();

/** A district (辖区): the command centre above its communities, which sees their alarms live. */
export const districts = sqliteTable("districts", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  /** The district command centre's phone (shown on its dashboard and the community's alert page). */
  phone: text("phone"),
  createdAt: integer("created_at").notNull(),
});

export const communities = sqliteTable("communities", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  /** The district above the community; null: none (no district escalation). */
  districtId: integer("district_id").references(() => districts.id),
  /** ISO 3166 region whose numbering plan reads local phone numbers (138 0013 8000 → +86…). */
  countryCode: text("country_code").notNull().default("CN"),
  supervisorPhone: text("supervisor_phone"),
  /** The community centre's own number: the responder page and the resident card link to it. */
  phone: text("phone"),
  language: text("language", { enum: ["zh-CN", "en"] }).notNull().default("zh-CN"),
  /** Per-community notification policy overrides (JSON of the policy schema). */
  policy: text("policy"),
  /** The service categories (JSON array of serviceCategorySchema); null: the defaults. */
  serviceCategories: text("service_categories"),
  createdAt: createdAt(),
});

export const buildings = sqliteTable("buildings", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  communityId: integer("community_id").notNull().references(() => communities.id),
  name: text("name").notNull(),
  createdAt: createdAt(),
}, (t) => [index("buildings_community").on(t.communityId)]);

export const units = sqliteTable("units", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  buildingId: integer("building_id").notNull().references(() => buildings.id),
  name: text("name").notNull(),
  createdAt: createdAt(),
}, (t) => [index("units_building").on(t.buildingId)]);

export const households = sqliteTable("households", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  unitId: integer("unit_id").notNull().references(() => units.id),
  room: text("room").notNull(),
  name: text("name"),
  notes: text("notes"),
  /** Lives alone: a welfare check follows a lapse of signs of life. */
  livesAlone: integer("lives_alone", { mode: "boolean" }).notNull().default(false),
  /** Welfare checks text the contacts as well; null: the community policy says. */
  welfareIncludeFamily: integer("welfare_include_family", { mode: "boolean" }),
  /** The last sign of life (a press, an `event activity` from any of its devices). */
  lastSignOfLifeAt: integer("last_sign_of_life_at"),
  /** When the welfare check is due unless a sign of life comes first (a durable timer; null: none runs). */
  welfareDueAt: integer("welfare_due_at"),
  /** Maintenance: presses reach the console marked "maintenance" and nobody is called. */
  maintenanceAt: integer("maintenance_at"),
  createdAt: createdAt(),
}, (t) => [index("households_unit").on(t.unitId), index("households_welfare_due").on(t.welfareDueAt)]);

export const residents = sqliteTable("residents", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  householdId: integer("household_id").notNull().references(() => households.id),
  name: text("name").notNull(),
  age: integer("age"),
  language: text("language", { enum: ["zh-CN", "en"] }).notNull().default("zh-CN"),
  notes: text("notes"),
  /** The resident's own phone, for the dispatcher's click-to-call. */
  phone: text("phone"),
  /** What a responder must know before going in: conditions, medication, allergies. */
  medical: text("medical"),
  /** How the resident moves (walker, wheelchair, bedridden): what the responder brings. */
  mobility: text("mobility"),
  createdAt: createdAt(),
}, (t) => [index("residents_household").on(t.householdId)]);

export const contacts = sqliteTable("contacts", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  householdId: integer("household_id").notNull().references(() => households.id),
  name: text("name").notNull(),
  phone: text("phone").notNull(),
  relation: text("relation").notNull(),
  priority: integer("priority").notNull(),
  language: text("language", { enum: ["zh-CN", "en"] }).notNull().default("zh-CN"),
  /** Holds a key to the flat: the resident card lists them first when the door is locked. */
  hasKey: integer("has_key", { mode: "boolean" }).notNull().default(false),
  role: text("role", { enum: ["family", "neighbour", "grid_worker", "patrol", "supervisor"] }).notNull().default("family"),
  createdAt: createdAt(),
}, (t) => [index("contacts_household").on(t.householdId)]);

/**
 * A help group (楼栋单元组群): neighbours, volunteers and the grid worker bound once to a building or
 * a unit, called for every household in it after the family's wave.
 */
export const helpGroups = sqliteTable("help_groups", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  communityId: integer("community_id").notNull().references(() => communities.id),
  name: text("name").notNull(),
  scope: text("scope", { enum: ["building", "unit"] }).notNull(),
  refId: integer("ref_id").notNull(),
  createdAt: createdAt(),
}, (t) => [index("help_groups_community").on(t.communityId), index("help_groups_ref").on(t.scope, t.refId)]);

export const helpGroupMembers = sqliteTable("help_group_members", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  groupId: integer("group_id").notNull().references(() => helpGroups.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  phone: text("phone").notNull(),
  role: text("role", { enum: ["neighbour", "volunteer", "grid_worker"] }).notNull(),
  priority: integer("priority").notNull().default(1),
  language: text("language", { enum: ["zh-CN", "en"] }).notNull().default("zh-CN"),
  createdAt: createdAt(),
}, (t) => [index("help_group_members_group").on(t.groupId)]);

export const devices = sqliteTable("devices", {
  id: text("id").primaryKey(),
  householdId: integer("household_id").notNull().references(() => households.id),
  type: text("type", { enum: ["button", "stb"] }).notNull(),
  secretHash: text("secret_hash").notNull(),
  revokedAt: integer("revoked_at"),
  online: integer("online", { mode: "boolean" }).notNull().default(false),
  battery: integer("battery"),
  fw: text("fw"),
  lastSeenAt: integer("last_seen_at"),
  /** The last time the device reused a seq with a new press (it lost its counter): shown on the health board. */
  seqResetAt: integer("seq_reset_at"),
  /** Maintenance: presses reach the console marked "maintenance" and nobody is called. */
  maintenanceAt: integer("maintenance_at"),
  /** The last time its secret was issued (provisioning or rotation). */
  secretIssuedAt: integer("secret_issued_at"),
  /** Seconds of silence before it is a fault (null: the community's policy, 90 s by default; 20 s for close watch). */
  supervisionS: integer("supervision_s"),
  /** When the gateway next counts it as silent unless it is heard from (a durable timer; null: none runs). */
  silentDueAt: integer("silent_due_at"),
  /** The last self-test's result and time (a `status` with `selftest` after `cmd selftest`). */
  selftestOk: integer("selftest_ok", { mode: "boolean" }),
  selftestAt: integer("selftest_at"),
  createdAt: createdAt(),
}, (t) => [index("devices_household").on(t.householdId), index("devices_silent_due").on(t.silentDueAt)]);

/**
 * Technical alerts (运维): a device silent past its window, a low battery, a failed self-test. Kept
 * apart from alarms so a fault never stands in for, or blocks, a household's emergency. One open
 * fault per (device, type); it clears when the device is heard from again or reports better.
 */
export const deviceFaults = sqliteTable("device_faults", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  deviceId: text("device_id").notNull(),
  householdId: integer("household_id").notNull(),
  communityId: integer("community_id").notNull(),
  type: text("type", { enum: ["offline", "low_battery", "selftest_failed"] }).notNull(),
  raisedAt: integer("raised_at").notNull(),
  clearedAt: integer("cleared_at"),
  acknowledgedAt: integer("acknowledged_at"),
  acknowledgedBy: text("acknowledged_by"),
  /** When the grid worker is texted unless it clears first (policy supervision.smsAfterS; null: done or none). */
  smsDueAt: integer("sms_due_at"),
  smsSentAt: integer("sms_sent_at"),
  detail: text("detail"),
}, (t) => [
  uniqueIndex("device_faults_one_open").on(t.deviceId, t.type).where(sql`cleared_at IS NULL`),
  index("device_faults_community").on(t.communityId, t.id),
  index("device_faults_sms_due").on(t.smsDueAt),
]);

/** A drill: while it runs, the community's alarms are marked as drill and the family is called only if chosen. */
export const drills = sqliteTable("drills", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  communityId: integer("community_id").notNull().references(() => communities.id),
  name: text("name").notNull(),
  callFamily: integer("call_family", { mode: "boolean" }).notNull().default(false),
  startedBy: text("started_by").notNull(),
  startedAt: integer("started_at").notNull(),
  endedAt: integer("ended_at"),
  /** The report (JSON), written when the drill ends. */
  report: text("report"),
}, (t) => [index("drills_community").on(t.communityId, t.id)]);

export const alerts = sqliteTable("alerts", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  communityId: integer("community_id").notNull().references(() => communities.id),
  householdId: integer("household_id").notNull().references(() => households.id),
  deviceId: text("device_id").notNull(),
  kind: text("kind", { enum: ["emergency", "medical", "fire", "intrusion", "service"] }).notNull(),
  state: text("state", { enum: ["open", "acknowledged", "responding", "resolved", "cancelled"] }).notNull(),
  priority: integer("priority").notNull(),
  pressCount: integer("press_count").notNull(),
  firstPressAt: integer("first_press_at").notNull(),
  lastPressAt: integer("last_press_at").notNull(),
  acknowledgedBy: text("acknowledged_by"),
  acknowledgedAt: integer("acknowledged_at"),
  closedAt: integer("closed_at"),
  outcome: text("outcome", { enum: ["real", "false_alarm", "test"] }),
  note: text("note"),
  /** When the call cascade must be looked at again (a durable timer: survives a restart). */
  cascadeDueAt: integer("cascade_due_at"),
  /** A person on the way: a contact who pressed 1 or replied 1, or a patrol member who set off. Never a dispatcher. */
  goingBy: text("going_by"),
  goingVia: text("going_via", { enum: ["key", "sms", "patrol"] }),
  goingAt: integer("going_at"),
  /** Someone is with the resident (a patrol member's "arrived", a contact's confirmation, the console's "on site"). */
  arrivedAt: integer("arrived_at"),
  /** When a claimed or acknowledged alert with nobody on site comes back (policy arrivalTimeoutS): a durable timer. */
  arrivalDueAt: integer("arrival_due_at"),
  /** The arrival timer fired and nobody has arrived since: back on the console with sound. */
  overdueAt: integer("overdue_at"),
  /** A service request's category key, or "welfare_check". */
  category: text("category"),
  /** A service request's answer-time target (first press + the category's targetS). */
  answerDueAt: integer("answer_due_at"),
  /** Raised during this drill (drills.id): bannered on the console, the family called only if the drill says so. */
  drillId: integer("drill_id"),
  /** When a dispatcher said this drill alarm is real: it left the drill, and its cascade starts again from here. */
  realAt: integer("real_at"),
  /** Raised while its household or device was in maintenance: on the console, nobody called. */
  maintenance: integer("maintenance", { mode: "boolean" }).notNull().default(false),
  /** It went up to the district console. */
  escalatedAt: integer("escalated_at"),
}, (t) => [
  index("alerts_arrival_due").on(t.arrivalDueAt),
  index("alerts_cascade_due").on(t.cascadeDueAt),
  // due cascades the most urgent first (store/due-cascades.ts), read in order instead of sorted each tick
  index("alerts_cascade_due_priority").on(t.priority, t.cascadeDueAt, t.id).where(sql`cascade_due_at IS NOT NULL`),
  // One non-terminal alert per household, enforced by the database too.
  uniqueIndex("alerts_one_open_per_household").on(t.householdId).where(sql`state NOT IN ('resolved', 'cancelled')`),
  index("alerts_state").on(t.state),
  index("alerts_community").on(t.communityId, t.id),
  // a household's latest alert (a press after it closed, the device's history)
  index("alerts_household").on(t.householdId, t.id),
]);

/**
 * Every alarm packet accepted: the exactly-once guard. A packet whose (device, seq) and payload
 * (device time, action, kind) match a stored one is a retransmission; the same (device, seq) with
 * another payload is a new press from a device that lost its counter, stored as a row of its own.
 */
export const presses = sqliteTable("presses", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  deviceId: text("device_id").notNull(),
  seq: integer("seq").notNull(),
  alertId: integer("alert_id"),
  action: text("action").notNull(),
  kind: text("kind").notNull(),
  trigger: text("trigger").notNull(),
  deviceTs: integer("device_ts").notNull(),
  receivedAt: integer("received_at").notNull(),
}, (t) => [
  uniqueIndex("presses_device_seq_payload").on(t.deviceId, t.seq, t.deviceTs, t.action, t.kind),
  // the devices to tell when an alert changes (alerts/action-flow.ts)
  index("presses_alert").on(t.alertId),
]);

/**
 * The append-only event log: the audit trail of every alert and device, and the numbered
 * stream of the console (`n` = id).
 */
export const events = sqliteTable("events", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  communityId: integer("community_id").notNull(),
  alertId: integer("alert_id"),
  deviceId: text("device_id"),
  notificationId: integer("notification_id"),
  type: text("type").notNull(),
  actor: text("actor"),
  data: text("data"),
  at: integer("at").notNull(),
}, (t) => [index("events_alert").on(t.alertId)]);

/** The durable outbox: every SMS and call is a row before it is sent. */
export const notifications = sqliteTable("notifications", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  /** The alarm it is about; null for a technical alert's text (faultId). */
  alertId: integer("alert_id").references(() => alerts.id),
  /** A technical alert's text to the grid worker (device_faults.id); null for an alarm's rows. */
  faultId: integer("fault_id").references(() => deviceFaults.id),
  communityId: integer("community_id").notNull(),
  contactId: integer("contact_id"),
  name: text("name").notNull(),
  toPhone: text("to_phone").notNull(),
  language: text("language", { enum: ["zh-CN", "en"] }).notNull(),
  /** "control": a request about a live call (hang up, or say something and hang up), retried like the others. */
  channel: text("channel", { enum: ["sms", "call", "control"] }).notNull(),
  purpose: text("purpose").notNull(),
  /** The send queue's first key: the alert's priority when queued (fire 1 … service 9), 0 for escalations due at their time. */
  priority: integer("priority").notNull().default(9),
  /** A control row's call. */
  targetSid: text("target_sid"),
  /** The sender (a From number or the Messaging Service) the request went out from. */
  sender: text("sender"),
  wave: integer("wave").notNull(),
  round: integer("round").notNull().default(1),
  body: text("body"),
  status: text("status").notNull(),
  attempts: integer("attempts").notNull().default(0),
  nextAttemptAt: integer("next_attempt_at").notNull(),
  providerSid: text("provider_sid"),
  lastError: text("last_error"),
  createdAt: createdAt(),
  updatedAt: integer("updated_at").notNull(),
}, (t) => [
  // The send queue: the most urgent alerts first, every alert's first wave before anyone's second, then age.
  index("notifications_queue").on(t.status, t.channel, t.priority, t.wave, t.round, t.id),
  // every alert's first wave by priority and age (store/outbox-queue.ts), without sorting the queue each tick
  index("notifications_first_wave").on(t.status, t.channel, t.wave, t.round, t.priority, t.id),
  // the next row out of its backoff: a seek, not a scan of the queue
  index("notifications_retry").on(t.status, t.channel, t.nextAttemptAt),
  // an SMS reply is matched to the alarms texted to its number
  index("notifications_to_phone").on(t.toPhone),
  index("notifications_alert").on(t.alertId),
  index("notifications_fault").on(t.faultId),
  index("notifications_sid").on(t.providerSid),
]);

/** Key-value settings (the admin token's hash). */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

// accounts, sessions, the patrol, door codes, grids and TV messages: a file of their own
export * from "./schema-console";
