/** Alert rows and their console view. */
import { and, asc, desc, eq, inArray, isNotNull, lte, sql, type SQL } from "drizzle-orm";
import { terminalStates, type AlertView } from "@helpkey/shared";
import type { Db } from "../db/open";
import { alerts } from "../db/schema";
import type { HouseholdDirectory } from "./household-info";
import { prepared } from "./prepared";

/**
 * `state NOT IN ('resolved', 'cancelled')` written out, not bound: SQLite uses a partial index
 * only when the query's WHERE repeats the index's literally, and alerts_one_open_per_household
 * (household_id) WHERE state NOT IN ('resolved', 'cancelled') is the one index on household_id.
 * With bound values every press would scan the whole alerts table.
 */
const NOT_TERMINAL = sql.raw(`"alerts"."state" NOT IN (${terminalStates.map((s) => `'${s}'`).join(", ")})`);

export type AlertRow = typeof alerts.$inferSelect;

export function findOpenAlert(db: Db, householdId: number): AlertRow | undefined {
  return prepared(db, "alerts.open", () => db.select().from(alerts).where(and(eq(alerts.householdId, sql.placeholder("h")), NOT_TERMINAL)).prepare()).get({ h: householdId });
}

export function getAlert(db: Db, id: number): AlertRow | undefined {
  return prepared(db, "alerts.get", () => db.select().from(alerts).where(eq(alerts.id, sql.placeholder("id"))).prepare()).get({ id });
}

export type NewAlert = Omit<typeof alerts.$inferInsert, "id" | "acknowledgedBy" | "acknowledgedAt" | "note">;

const ph = (name: string) => sql.placeholder(name);
/** A placeholder where an UPDATE's SET wants an SQL value (the caller passes driver values: 0/1 for booleans). */
const bind = (name: string) => sql`${sql.placeholder(name)}`;

/** The columns a new alert is written with (the claim and arrival columns start empty). */
export type AlertInsert = Required<Pick<NewAlert, "communityId" | "householdId" | "deviceId" | "kind" | "state" | "priority" | "pressCount" | "firstPressAt" | "lastPressAt" | "closedAt" | "outcome" | "cascadeDueAt">>
  & Partial<Pick<NewAlert, "category" | "answerDueAt">>;

export function insertAlert(db: Db, insert: AlertInsert): AlertRow {
  const a = { ...insert, category: insert.category ?? null, answerDueAt: insert.answerDueAt ?? null };
  return prepared(db, "alerts.insert", () =>
    db.insert(alerts).values({
      communityId: ph("communityId"), householdId: ph("householdId"), deviceId: ph("deviceId"), kind: ph("kind"), state: ph("state"),
      priority: ph("priority"), pressCount: ph("pressCount"), firstPressAt: ph("firstPressAt"), lastPressAt: ph("lastPressAt"),
      closedAt: ph("closedAt"), outcome: ph("outcome"), cascadeDueAt: ph("cascadeDueAt"), category: ph("category"), answerDueAt: ph("answerDueAt"),
    }).returning().prepare(),
  ).get(a)!;
}

/** Another press joins the alert: count, time, and the (possibly more urgent) kind and priority. */
export function joinAlert(db: Db, id: number, j: Pick<AlertRow, "pressCount" | "lastPressAt" | "kind" | "priority">): AlertRow {
  return prepared(db, "alerts.join", () =>
    db.update(alerts).set({ pressCount: bind("pressCount"), lastPressAt: bind("lastPressAt"), kind: bind("kind"), priority: bind("priority") })
      .where(eq(alerts.id, ph("id"))).returning().prepare(),
  ).get({ id, ...j })!;
}

export type AlertPatch = Partial<Pick<AlertRow,
  "state" | "acknowledgedBy" | "acknowledgedAt" | "closedAt" | "outcome" | "note" | "cascadeDueAt" |
  "goingBy" | "goingVia" | "goingAt" | "arrivedAt" | "arrivalDueAt" | "overdueAt">>;

/**
 * A console action or a contact's claim: `patch` applies only while the alert is still in `from`
 * (another writer that moved it first wins; undefined then). One prepared UPDATE per set of patched
 * columns, like updateNotification: building and preparing a statement per call costs more than
 * running it.
 */
export function transitionAlert(db: Db, id: number, from: AlertRow["state"], patch: AlertPatch): AlertRow | undefined {
  const keys = (Object.keys(patch) as (keyof AlertPatch)[]).filter((k) => patch[k] !== undefined).sort();
  const stmt = prepared(db, `alerts.transition:${keys.join(",")}`, () =>
    db.update(alerts).set(Object.fromEntries(keys.map((k) => [k, bind(k)])))
      .where(and(eq(alerts.id, ph("__id")), eq(alerts.state, ph("__from")))).returning().prepare(),
  );
  const params: Record<string, unknown> = { __id: id, __from: from };
  for (const k of keys) params[k] = patch[k];
  return stmt.get(params);
}

/** When the call cascade must be looked at again (null: never). */
export function setCascadeDue(db: Db, id: number, at: number | null): void {
  prepared(db, "alerts.cascadeDue", () => db.update(alerts).set({ cascadeDueAt: bind("at") }).where(eq(alerts.id, ph("id"))).prepare()).run({ id, at });
}

/** Up to `limit` alerts whose cascade is due by `now`, the longest due first (the durable timers the outbox worker runs). */
export function dueCascades(db: Db, now: number, limit: number): AlertRow[] {
  return prepared(db, "alerts.dueCascades", () =>
    db.select().from(alerts).where(and(isNotNull(alerts.cascadeDueAt), lte(alerts.cascadeDueAt, ph("now"))))
      .orderBy(asc(alerts.cascadeDueAt), asc(alerts.id)).limit(ph("limit")).prepare(),
  ).all({ now, limit });
}

/** Up to `limit` non-terminal alerts whose arrival timer has run out by `now`, the longest due first. */
export function dueArrivals(db: Db, now: number, limit: number): AlertRow[] {
  return prepared(db, "alerts.dueArrivals", () =>
    db.select().from(alerts).where(and(isNotNull(alerts.arrivalDueAt), lte(alerts.arrivalDueAt, ph("now"))))
      .orderBy(asc(alerts.arrivalDueAt), asc(alerts.id)).limit(ph("limit")).prepare(),
  ).all({ now, limit });
}

/** The earliest arrival timer, or null when none runs. */
export function nextArrivalDue(db: Db): number | null {
  return prepared(db, "alerts.nextArrivalDue", () => db.select({ at: sql<number | null>`min(${alerts.arrivalDueAt})` }).from(alerts).prepare()).get()?.at ?? null;
}

/** The earliest cascade due time, or null when no cascade is waiting. */
export function nextCascadeDue(db: Db): number | null {
  return prepared(db, "alerts.nextCascadeDue", () => db.select({ at: sql<number | null>`min(${alerts.cascadeDueAt})` }).from(alerts).prepare()).get()?.at ?? null;
}

/** The household's most recent alert, whatever its state. */
export function latestAlertOf(db: Db, householdId: number): AlertRow | undefined {
  return prepared(db, "alerts.latestOfHousehold", () =>
    db.select().from(alerts).where(eq(alerts.householdId, ph("h"))).orderBy(desc(alerts.id)).limit(1).prepare(),
  ).get({ h: householdId });
}

export function toAlertView(row: AlertRow, dir: HouseholdDirectory): AlertView {
  const info = dir.get(row.householdId);
  return {
    id: row.id,
    communityId: row.communityId,
    householdId: row.householdId,
    deviceId: row.deviceId,
    kind: row.kind,
    state: row.state,
    priority: row.priority,
    pressCount: row.pressCount,
    firstPressAt: row.firstPressAt,
    lastPressAt: row.lastPressAt,
    acknowledgedBy: row.acknowledgedBy,
    acknowledgedAt: row.acknowledgedAt,
    closedAt: row.closedAt,
    outcome: row.outcome,
    note: row.note,
    goingBy: row.goingBy,
    goingVia: row.goingVia,
    goingAt: row.goingAt,
    arrivedAt: row.arrivedAt,
    overdueAt: row.overdueAt,
    cascadeDueAt: row.cascadeDueAt,
    category: row.category,
    answerDueAt: row.answerDueAt,
    maintenance: row.maintenance,
    drillId: row.drillId,
    address: info?.address ?? { community: "?", building: "?", unit: "?", room: "?" },
    residents: info?.residents ?? [],
  };
}

export function listActiveAlerts(db: Db, communityIds?: number[]): AlertRow[] {
  const where: SQL[] = [NOT_TERMINAL];
  if (communityIds) where.push(inArray(alerts.communityId, communityIds));
  return db.select().from(alerts).where(and(...where)).all();
}

/** Replaces the alert's note (the service queue's running log; every note is also an audit event). */
export function setAlertNote(db: Db, id: number, note: string): AlertRow | undefined {
  return db.update(alerts).set({ note }).where(eq(alerts.id, id)).returning().get();
}
