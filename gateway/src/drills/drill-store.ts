/** Drill rows, and what a drill's report reads about its alarms (their first press, console event and first call). */
import { and, asc, eq, inArray, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import { policyFrom } from "@helpkey/shared";
import type { DrillReport, DrillView } from "@helpkey/shared/drills";
import type { Db } from "../db/open";
import { alerts, communities, drills, events, presses } from "../db/schema";
import type { KeysetPage } from "../registry/paginate";
import type { AlertRow } from "../store/alerts";

export type DrillRow = typeof drills.$inferSelect;

export function getDrill(db: Db, id: number): DrillRow | undefined {
  return db.select().from(drills).where(eq(drills.id, id)).get();
}

export function runningDrillRow(db: Db, communityId: number): DrillRow | undefined {
  return db.select().from(drills).where(and(eq(drills.communityId, communityId), isNull(drills.endedAt))).get();
}

export function insertDrill(db: Db, d: Pick<DrillRow, "communityId" | "name" | "callFamily" | "startedBy" | "startedAt">): DrillRow {
  return db.insert(drills).values(d).returning().get();
}

/** Ends the drill with its report; undefined when it had ended already. */
export function endDrillRow(db: Db, id: number, endedAt: number, report: DrillReport): DrillRow | undefined {
  return db.update(drills).set({ endedAt, report: JSON.stringify(report) }).where(and(eq(drills.id, id), isNull(drills.endedAt))).returning().get();
}

export function storedReport(row: DrillRow): DrillReport | null {
  return row.report ? (JSON.parse(row.report) as DrillReport) : null;
}

export interface DrillFilters {
  /** undefined: every community. */
  communityIds?: number[] | undefined;
  running?: boolean | undefined;
}

export function drillsPage(db: Db, f: DrillFilters, page: KeysetPage): DrillRow[] {
  const where: SQL[] = [];
  if (f.communityIds) where.push(inArray(drills.communityId, f.communityIds));
  if (f.running !== undefined) where.push(f.running ? isNull(drills.endedAt) : isNotNull(drills.endedAt));
  return db.select().from(drills).where(and(...where, page.where)).orderBy(page.orderBy).limit(page.limit).all();
}

/** The community's name and time zone for drill views; one query for a page of drills. */
export function communityFacts(db: Db, ids: readonly number[]): Map<number, { name: string; timeZone: string }> {
  if (ids.length === 0) return new Map();
  const rows = db.select({ id: communities.id, name: communities.name, policy: communities.policy }).from(communities).where(inArray(communities.id, [...new Set(ids)])).all();
  return new Map(rows.map((c) => [c.id, { name: c.name, timeZone: policyFrom(c.policy).timeZone }]));
}

export function toDrillView(row: DrillRow, facts: { name: string; timeZone: string } | undefined): DrillView {
  return {
    id: row.id, communityId: row.communityId, communityName: facts?.name ?? "?", name: row.name, callFamily: row.callFamily,
    startedBy: row.startedBy, startedAt: row.startedAt, endedAt: row.endedAt, running: row.endedAt === null, timeZone: facts?.timeZone ?? "Asia/Shanghai",
  };
}

/** The drill's alarms, in the order they were raised (the community's alerts index, from the drill's start). */
export function drillAlerts(db: Db, drill: DrillRow): AlertRow[] {
  return db.select().from(alerts)
    .where(and(eq(alerts.communityId, drill.communityId), eq(alerts.drillId, drill.id)))
    .orderBy(asc(alerts.id)).all();
}

export interface AlarmTimes {
  /** The alarm's first press: the device's own time (`ts`) and when the system received it. */
  firstPress: { deviceTs: number; receivedAt: number } | null;
  /** The alert.created event: the alarm on the console stream. */
  consoleAt: number | null;
  /** The first call of the cascade the phone network took (ringing from then on). */
  firstCallAt: number | null;
}

/** Statuses of a call that never reached the phone network. */
const NOT_PLACED = ["queued", "sending", "failed", "cancelled"];

export function alarmTimes(db: Db, alertId: number): AlarmTimes {
  const firstPress = db.select({ deviceTs: presses.deviceTs, receivedAt: presses.receivedAt }).from(presses)
    .where(eq(presses.alertId, alertId)).orderBy(asc(presses.id)).limit(1).get() ?? null;
  const created = db.select({ at: events.at }).from(events)
    .where(and(eq(events.alertId, alertId), eq(events.type, "alert.created"))).orderBy(asc(events.id)).limit(1).get();
  const call = db.select({ at: sql<number | null>`min(${events.at})` }).from(events).where(and(
    eq(events.alertId, alertId), eq(events.type, "notification.updated"),
    sql`json_extract(${events.data}, '$.notification.channel') = 'call'`,
    sql`json_extract(${events.data}, '$.notification.purpose') = 'call'`,
    sql`json_extract(${events.data}, '$.notification.status') NOT IN (${sql.join(NOT_PLACED.map((s) => sql`${s}`), sql`, `)})`,
  )).get();
  return { firstPress, consoleAt: created?.at ?? null, firstCallAt: call?.at ?? null };
}
