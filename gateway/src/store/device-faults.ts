/**
 * Technical alerts (device_faults) and the supervision columns of devices: the silence timer
 * (devices.silent_due_at) and the fault texts' timer (device_faults.sms_due_at), both durable and
 * run by the outbox worker's tick; one open fault per (device, type).
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull, lte, sql, type SQL } from "drizzle-orm";
import type { FaultType } from "@helpkey/shared/supervision";
import type { Db } from "../db/open";
import { deviceFaults, devices, notifications } from "../db/schema";
import { prepared } from "./prepared";

export type FaultRow = typeof deviceFaults.$inferSelect;

const ph = (name: string) => sql.placeholder(name);

export function openFault(db: Db, deviceId: string, type: FaultType): FaultRow | undefined {
  return prepared(db, "faults.open", () =>
    db.select().from(deviceFaults).where(and(eq(deviceFaults.deviceId, ph("d")), eq(deviceFaults.type, ph("t")), isNull(deviceFaults.clearedAt))).prepare(),
  ).get({ d: deviceId, t: type });
}

/** The open faults of some communities (null: all): one per (device, type) at most. */
export function openFaultsIn(db: Db, communityIds: number[] | null): FaultRow[] {
  return db.select().from(deviceFaults).where(and(isNull(deviceFaults.clearedAt), communityIds ? inArray(deviceFaults.communityId, communityIds) : undefined)).all();
}

export function getFault(db: Db, id: number): FaultRow | undefined {
  return prepared(db, "faults.get", () => db.select().from(deviceFaults).where(eq(deviceFaults.id, ph("id"))).prepare()).get({ id });
}

export function insertFault(db: Db, f: typeof deviceFaults.$inferInsert): FaultRow {
  return db.insert(deviceFaults).values(f).returning().get();
}

/** The device is back, or reports better: the fault closes and its text, if not yet due, never goes. */
export function clearFault(db: Db, id: number, at: number): FaultRow {
  return db.update(deviceFaults).set({ clearedAt: at, smsDueAt: null }).where(eq(deviceFaults.id, id)).returning().get()!;
}

/** Someone has it: its text, if not yet due, never goes. Undefined when it is cleared or acknowledged already. */
export function acknowledgeFault(db: Db, id: number, by: string, at: number): FaultRow | undefined {
  return db.update(deviceFaults).set({ acknowledgedAt: at, acknowledgedBy: by, smsDueAt: null })
    .where(and(eq(deviceFaults.id, id), isNull(deviceFaults.clearedAt), isNull(deviceFaults.acknowledgedAt))).returning().get();
}

export function markTexted(db: Db, id: number, at: number | null): FaultRow {
  return db.update(deviceFaults).set({ smsDueAt: null, smsSentAt: at }).where(eq(deviceFaults.id, id)).returning().get()!;
}

/** Up to `limit` open, unacknowledged faults whose text is due by `now`, the longest due first. */
export function dueFaultTexts(db: Db, now: number, limit: number): FaultRow[] {
  return prepared(db, "faults.dueTexts", () =>
    db.select().from(deviceFaults).where(and(isNotNull(deviceFaults.smsDueAt), lte(deviceFaults.smsDueAt, ph("now"))))
      .orderBy(asc(deviceFaults.smsDueAt), asc(deviceFaults.id)).limit(ph("limit")).prepare(),
  ).all({ now, limit });
}

export function nextFaultTextDue(db: Db): number | null {
  return prepared(db, "faults.nextText", () => db.select({ at: sql<number | null>`min(${deviceFaults.smsDueAt})` }).from(deviceFaults).prepare()).get()?.at ?? null;
}

/** The household whose policy a fault's text follows (outbox-send.ts). */
export function faultHouseholdId(db: Db, id: number): number | undefined {
  return prepared(db, "faults.household", () => db.select({ h: deviceFaults.householdId }).from(deviceFaults).where(eq(deviceFaults.id, ph("id"))).prepare()).get({ id })?.h;
}

/** Each grid worker's text about the fault, oldest first. */
export function textsOfFault(db: Db, faultId: number): { id: number; name: string; status: string }[] {
  return prepared(db, "faults.texts", () =>
    db.select({ id: notifications.id, name: notifications.name, status: notifications.status }).from(notifications)
      .where(eq(notifications.faultId, ph("f"))).orderBy(asc(notifications.id)).prepare(),
  ).all({ f: faultId });
}

export interface FaultFilter {
  communityIds: number[] | null;
  deviceId?: string | undefined;
  open: boolean;
}

/** One page of faults, newest first (`page` from registry/paginate.ts). */
export function listFaults(db: Db, f: FaultFilter, page: { where: SQL | undefined; limit: number }): FaultRow[] {
  const where: (SQL | undefined)[] = [page.where];
  if (f.communityIds) where.push(inArray(deviceFaults.communityId, f.communityIds));
  if (f.deviceId) where.push(eq(deviceFaults.deviceId, f.deviceId));
  // a revoked device is gone from the registry: its faults are over with it
  if (f.open) where.push(isNull(deviceFaults.clearedAt), inArray(deviceFaults.deviceId, db.select({ id: devices.id }).from(devices).where(isNull(devices.revokedAt))));
  return db.select().from(deviceFaults).where(and(...where)).orderBy(desc(deviceFaults.id)).limit(page.limit).all();
}

// ---- the silence timer (devices.silent_due_at) ----

export type SupervisedDevice = Pick<typeof devices.$inferSelect, "id" | "householdId" | "type" | "online" | "revokedAt" | "maintenanceAt" | "supervisionS" | "silentDueAt">;

const supervisedColumns = {
  id: devices.id, householdId: devices.householdId, type: devices.type, online: devices.online, revokedAt: devices.revokedAt,
  maintenanceAt: devices.maintenanceAt, supervisionS: devices.supervisionS, silentDueAt: devices.silentDueAt,
};

/** Counted as silent at `dueAt` unless heard from first; null stops the timer. */
export function setSilentDue(db: Db, id: string, dueAt: number | null): void {
  prepared(db, "supervision.setDue", () => db.update(devices).set({ silentDueAt: sql`${ph("due")}` }).where(eq(devices.id, ph("id"))).prepare()).run({ id, due: dueAt });
}

/** Gone offline: the timer starts unless one runs already (the earlier deadline stands). */
export function armSilentDue(db: Db, id: string, dueAt: number): void {
  prepared(db, "supervision.arm", () =>
    db.update(devices).set({ silentDueAt: sql`coalesce(${devices.silentDueAt}, ${ph("due")})` }).where(eq(devices.id, ph("id"))).prepare(),
  ).run({ id, due: dueAt });
}

export function dueSilent(db: Db, now: number, limit: number): SupervisedDevice[] {
  return prepared(db, "supervision.due", () =>
    db.select(supervisedColumns).from(devices).where(and(isNotNull(devices.silentDueAt), lte(devices.silentDueAt, ph("now"))))
      .orderBy(asc(devices.silentDueAt), asc(devices.id)).limit(ph("limit")).prepare(),
  ).all({ now, limit });
}

export function nextSilentDue(db: Db): number | null {
  return prepared(db, "supervision.next", () => db.select({ at: sql<number | null>`min(${devices.silentDueAt})` }).from(devices).prepare()).get()?.at ?? null;
}

/** Devices the gateway counted as online when it stopped, with no timer running: each must be heard from again. */
export function onlineUntimed(db: Db): SupervisedDevice[] {
  return db.select(supervisedColumns).from(devices).where(and(eq(devices.online, true), isNull(devices.revokedAt), isNull(devices.silentDueAt))).all();
}

/** A running silence timer moves by `deltaMs` (a window changed: the same start, a new length); true when one ran. */
export function shiftSilentDue(db: Db, id: string, deltaMs: number): boolean {
  return db.update(devices).set({ silentDueAt: sql`${devices.silentDueAt} + ${deltaMs}` })
    .where(and(eq(devices.id, id), isNotNull(devices.silentDueAt))).run().changes > 0;
}

/** The running silence timers of a community's devices that follow its window (no window of their own) move by `deltaMs`; how many moved. */
export function shiftCommunitySilentDue(db: Db, communityId: number, deltaMs: number): number {
  return db.$client.prepare(
    `UPDATE devices SET silent_due_at = silent_due_at + ?
     WHERE silent_due_at IS NOT NULL AND supervision_s IS NULL AND household_id IN (
       SELECT h.id FROM households h JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id WHERE b.community_id = ?)`,
  ).run(deltaMs, communityId).changes;
}

/** Every open fault of a device. */
export function openFaultsOf(db: Db, deviceId: string): FaultRow[] {
  return db.select().from(deviceFaults).where(and(eq(deviceFaults.deviceId, deviceId), isNull(deviceFaults.clearedAt))).all();
}

export function setOffline(db: Db, id: string) {
  return db.update(devices).set({ online: false }).where(eq(devices.id, id)).returning().get();
}

export function setSelftest(db: Db, id: string, ok: boolean, at: number): void {
  db.update(devices).set({ selftestOk: ok, selftestAt: at }).where(eq(devices.id, id)).run();
}

export function setSupervisionS(db: Db, id: string, supervisionS: number | null) {
  return db.update(devices).set({ supervisionS }).where(eq(devices.id, id)).returning().get();
}

export function supervisedDevice(db: Db, id: string): SupervisedDevice | undefined {
  return db.select(supervisedColumns).from(devices).where(eq(devices.id, id)).get();
}
