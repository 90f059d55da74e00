/**
 * Which drill runs in a community, and whether a drill calls the family: asked on the hot paths
 * (every new alarm; the outbox planning a drill alarm's texts and calls), so both are cached per
 * database and changed by the drill flow when a drill starts or ends (one process writes drills).
 * A miss reads one indexed row; the caches are bounded, and a dropped entry is only read again.
 */
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { LRUCache } from "lru-cache";
import type { Db } from "../db/open";
import { alerts, drills } from "../db/schema";
import type { AlertRow } from "../store/alerts";
import { prepared } from "../store/prepared";

export interface RunningDrill {
  id: number;
  callFamily: boolean;
}

/** Communities (and drills) kept in memory; beyond these the least used are read again when asked. */
const CACHE_MAX = 10_000;
const NONE = { id: 0, callFamily: true } as const;

interface Caches {
  running: LRUCache<number, RunningDrill>;
  callsFamily: LRUCache<number, boolean>;
}

const caches = new WeakMap<Db, Caches>();

function cachesOf(db: Db): Caches {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = { running: new LRUCache({ max: CACHE_MAX }), callsFamily: new LRUCache({ max: CACHE_MAX }) }));
  return c;
}

/** The community's running drill, or null. */
export function runningDrillOf(db: Db, communityId: number): RunningDrill | null {
  const c = cachesOf(db);
  let d = c.running.get(communityId);
  if (d === undefined) {
    const row = prepared(db, "drills.running", () =>
      db.select({ id: drills.id, callFamily: drills.callFamily }).from(drills)
        .where(and(eq(drills.communityId, sql.placeholder("c")), isNull(drills.endedAt))).orderBy(desc(drills.id)).limit(1).prepare(),
    ).get({ c: communityId });
    d = row ?? NONE;
    c.running.set(communityId, d);
  }
  return d === NONE ? null : d;
}

/** Whether the drill's alarms text and call the contacts (false for an unknown drill: the safer answer in a drill). */
export function drillCallsFamily(db: Db, drillId: number): boolean {
  const c = cachesOf(db);
  let v = c.callsFamily.get(drillId);
  if (v === undefined) {
    const row = prepared(db, "drills.callFamily", () => db.select({ callFamily: drills.callFamily }).from(drills).where(eq(drills.id, sql.placeholder("id"))).prepare()).get({ id: drillId });
    v = row?.callFamily ?? false;
    c.callsFamily.set(drillId, v);
  }
  return v;
}

/** A drill alarm that leaves the family out: its contacts get no text and no call. */
export function drillQuiet(db: Db, alert: Pick<AlertRow, "drillId">): boolean {
  return alert.drillId !== null && !drillCallsFamily(db, alert.drillId);
}

/** The drill flow started or ended a drill in this community. */
export function noteDrillChanged(db: Db, communityId: number, running: RunningDrill | null, drillId: number, callFamily: boolean): void {
  const c = cachesOf(db);
  c.running.set(communityId, running ?? NONE);
  c.callsFamily.set(drillId, callFamily);
}

/** A new alarm in a community that runs a drill is the drill's: marked, in the press's transaction. */
export function markDrillAlarm(db: Db, alert: AlertRow): AlertRow {
  const drill = runningDrillOf(db, alert.communityId);
  if (!drill) return alert;
  return prepared(db, "drills.markAlarm", () =>
    db.update(alerts).set({ drillId: sql`${sql.placeholder("drillId")}` }).where(eq(alerts.id, sql.placeholder("id"))).returning().prepare(),
  ).get({ id: alert.id, drillId: drill.id })!;
}
