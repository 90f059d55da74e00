/**
 * A real SQLite file in a temp dir with one community, household, residents, contacts and a device, and
 * the alert flows' context over it, as system.ts builds it. For the unit tests of the flows' decisions.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AlarmPayload } from "@helpkey/shared";
import type { AlertContext } from "../src/alerts/context";
import { openDb } from "../src/db/open";
import { buildings, communities, contacts, devices, households, residents, units } from "../src/db/schema";
import { DeviceRegistry } from "../src/devices/device-registry";
import { HouseholdDirectory } from "../src/store/household-info";
import { createTurnEnd } from "../src/store/turn-end";
import { WriteBatch } from "../src/store/write-batch";

export interface ContactSpec {
  name: string;
  phone: string;
  priority: number;
  relation?: string;
}

export interface Fixture {
  ctx: AlertContext;
  householdId: number;
  communityId: number;
  deviceId: string;
  contactIds: number[];
  /** Another household of the same community, with its own device. */
  addHousehold(contacts: ContactSpec[]): { householdId: number; deviceId: string };
  /** Runs `fn` in one transaction, as the ingest's group commit does. */
  inTx<T>(fn: () => T): T;
  rows(sql: string, ...args: unknown[]): Record<string, unknown>[];
  close(): void;
}

export const DEFAULT_CONTACTS: ContactSpec[] = [
  { name: "Daughter", phone: "+8613800000001", priority: 1 },
  { name: "Neighbour", phone: "+8613800000002", priority: 2 },
];

let devices_ = 0;

export function openFixture(o: { policy?: Record<string, unknown>; contacts?: ContactSpec[] } = {}): Fixture {
  const dir = mkdtempSync(path.join(tmpdir(), "hk-flow-"));
  const db = openDb(dir);
  const communityId = db.insert(communities).values({ name: "C", language: "en", createdAt: 0, ...(o.policy ? { policy: JSON.stringify(o.policy) } : {}) } as typeof communities.$inferInsert).returning().get().id;
  const buildingId = db.insert(buildings).values({ communityId, name: "B1", createdAt: 0 }).returning().get().id;
  const unitId = db.insert(units).values({ buildingId, name: "U1", createdAt: 0 }).returning().get().id;
  const addHousehold = (cs: ContactSpec[]) => {
    const householdId = db.insert(households).values({ unitId, room: "101", createdAt: 0 }).returning().get().id;
    db.insert(residents).values({ householdId, name: "Grandma Li", language: "en", createdAt: 0 } as typeof residents.$inferInsert).run();
    const ids = cs.map((c) => db.insert(contacts).values({ householdId, relation: "family", language: "en", createdAt: 0, ...c } as typeof contacts.$inferInsert).returning().get().id);
    const deviceId = `btn-${++devices_}`;
    db.insert(devices).values({ id: deviceId, householdId, type: "button", secretHash: "unused", createdAt: 0 } as typeof devices.$inferInsert).run();
    return { householdId, deviceId, contactIds: ids };
  };
  const first = addHousehold(o.contacts ?? DEFAULT_CONTACTS);
  // the flows never check a secret: a derive that is called fails the test
  const derive = (() => { throw new Error("the alert flows check no secrets"); }) as unknown as ConstructorParameters<typeof DeviceRegistry>[1];
  const ctx: AlertContext = { db, dir: new HouseholdDirectory(db), devices: new DeviceRegistry(db, derive), writes: new WriteBatch(db, createTurnEnd()) };
  return {
    ctx, communityId, householdId: first.householdId, deviceId: first.deviceId, contactIds: first.contactIds,
    addHousehold: (cs) => { const h = addHousehold(cs); return { householdId: h.householdId, deviceId: h.deviceId }; },
    inTx: (fn) => db.$client.transaction(fn)(),
    rows: (q, ...args) => db.$client.prepare(q).all(...args) as Record<string, unknown>[],
    close: () => {
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function press(seq: number, ts: number, over: Partial<AlarmPayload> = {}): AlarmPayload {
  return { seq, ts, action: "raise", kind: "emergency", trigger: "button", ...over };
}
