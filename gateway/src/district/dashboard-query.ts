/**
 * The district dashboard: per community of the districts asked for, its alarms (live, open — nobody
 * claimed or acknowledged them —, the oldest open one, the open ones that went up to the district),
 * its offline devices and today's answer times.
 * Alarms raised in maintenance and service requests are left out: they call nobody and never
 * escalate, so they would only hide the alarms that matter.
 */
import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import { policyFrom, type AnswerTimes, type DistrictCommunityRow, type DistrictDashboard, type EscalatedAlert } from "@helpkey/shared";
import type { Db } from "../db/open";
import { alerts, communities, districts } from "../db/schema";
import { localMinuteOfDay } from "../engine/waking-hours";
import { toAlertView } from "../store/alerts";
import type { HouseholdDirectory } from "../store/household-info";
import { prepared } from "../store/prepared";

const MINUTE = 60_000;

/** Local midnight of `now`'s day in `timeZone` (also on a day whose clock jumped for daylight saving). */
export function startOfLocalDay(now: number, timeZone: string): number {
  let at = now - localMinuteOfDay(now, timeZone) * MINUTE - (now % MINUTE);
  // a jump between midnight and now leaves `at` off by the jump: the local clock there says by how much
  const m = localMinuteOfDay(at, timeZone);
  if (m !== 0) at += m < 12 * 60 ? -m * MINUTE : (24 * 60 - m) * MINUTE;
  return at;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

/** The alarms counted here: live (the literal list, as the partial index wants it), not service, not maintenance. */
const LIVE_ALARM = `community_id = ? AND state NOT IN ('resolved', 'cancelled') AND kind != 'service' AND maintenance = 0`;

interface LiveCounts { active: number; open: number | null; escalated: number | null }

function liveCounts(db: Db, communityId: number): LiveCounts {
  return prepared(db, "district.liveCounts", () => db.$client.prepare<[number], LiveCounts>(
    `SELECT count(*) AS active, sum(state = 'open') AS open, sum(state = 'open' AND escalated_at IS NOT NULL) AS escalated FROM alerts WHERE ${LIVE_ALARM}`,
  )).get(communityId)!;
}

function oldestOpen(db: Db, communityId: number): { id: number; first_press_at: number } | undefined {
  return prepared(db, "district.oldestOpen", () => db.$client.prepare<[number], { id: number; first_press_at: number }>(
    `SELECT id, first_press_at FROM alerts WHERE ${LIVE_ALARM} AND state = 'open' ORDER BY first_press_at, id LIMIT 1`,
  )).get(communityId);
}

/** Provisioned devices whose supervision failed; a device under maintenance is expected to be off. */
function devicesOffline(db: Db, communityId: number): number {
  return prepared(db, "district.devicesOffline", () => db.$client.prepare<[number], { n: number }>(
    `SELECT count(*) AS n FROM devices d JOIN households h ON h.id = d.household_id JOIN units u ON u.id = h.unit_id
     JOIN buildings b ON b.id = u.building_id
     WHERE b.community_id = ? AND d.revoked_at IS NULL AND d.maintenance_at IS NULL AND d.online = 0 AND d.last_seen_at IS NOT NULL`,
  )).get(communityId)!.n;
}

/**
 * First press to the first claim or acknowledgement (a contact's 1 and a dispatcher's acknowledge
 * are both `alert.acknowledged` in the event log; a reopened alert keeps its first answer).
 */
function answerTimes(db: Db, communityId: number, since: number): AnswerTimes {
  const rows = prepared(db, "district.answerTimes", () => db.$client.prepare<[number, number], { first: number; answered: number | null; state: string }>(
    `SELECT a.first_press_at AS first, a.state AS state,
       (SELECT min(e.at) FROM events e WHERE e.alert_id = a.id AND e.type = 'alert.acknowledged') AS answered
     FROM alerts a WHERE a.community_id = ? AND a.first_press_at >= ? AND a.kind != 'service' AND a.maintenance = 0`,
  )).all(communityId, since);
  const secs = rows.filter((r) => r.answered !== null).map((r) => Math.max(0, Math.round((r.answered! - r.first) / 1000))).sort((a, b) => a - b);
  return {
    answered: secs.length,
    unanswered: rows.filter((r) => r.answered === null && r.state !== "cancelled").length,
    medianS: percentile(secs, 0.5),
    p90S: percentile(secs, 0.9),
  };
}

function communityRow(db: Db, c: { id: number; name: string; policy: string | null }, now: number): DistrictCommunityRow {
  const { timeZone } = policyFrom(c.policy);
  const counts = liveCounts(db, c.id);
  const oldest = oldestOpen(db, c.id);
  const since = startOfLocalDay(now, timeZone);
  return {
    communityId: c.id, name: c.name, timeZone,
    activeAlerts: counts.active, openAlerts: counts.open ?? 0, escalatedOpen: counts.escalated ?? 0,
    oldestOpen: oldest ? { alertId: oldest.id, firstPressAt: oldest.first_press_at, ageS: Math.max(0, Math.floor((now - oldest.first_press_at) / 1000)) } : null,
    devicesOffline: devicesOffline(db, c.id),
    today: { since, ...answerTimes(db, c.id, since) },
  };
}

/** Escalated alarms of these communities still unclaimed (the district's loud list), the longest escalated first. */
function escalatedOf(db: Db, dir: HouseholdDirectory, districtOf: ReadonlyMap<number, number>): EscalatedAlert[] {
  const ids = [...districtOf.keys()];
  if (ids.length === 0) return [];
  const rows = db.select().from(alerts)
    .where(and(inArray(alerts.communityId, ids), eq(alerts.state, "open"), isNotNull(alerts.escalatedAt)))
    .orderBy(asc(alerts.escalatedAt), asc(alerts.id)).all();
  return rows.map((row) => ({ alert: toAlertView(row, dir), districtId: districtOf.get(row.communityId)!, escalatedAt: row.escalatedAt! }));
}

/** The dashboard of `districtIds` (null: every district). */
export function districtDashboard(db: Db, dir: HouseholdDirectory, districtIds: number[] | null, now: number): DistrictDashboard {
  const ds = db.select().from(districts).where(districtIds ? inArray(districts.id, districtIds) : undefined).orderBy(asc(districts.id)).all();
  const districtOf = new Map<number, number>();
  const out: DistrictDashboard["districts"] = ds.map((d) => {
    const cs = db.select({ id: communities.id, name: communities.name, policy: communities.policy }).from(communities)
      .where(eq(communities.districtId, d.id)).orderBy(asc(communities.id)).all();
    for (const c of cs) districtOf.set(c.id, d.id);
    return { id: d.id, name: d.name, phone: d.phone, communities: cs.map((c) => communityRow(db, c, now)) };
  });
  return { generatedAt: now, districts: out, escalated: escalatedOf(db, dir, districtOf) };
}
