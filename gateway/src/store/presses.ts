/** The presses table: the exactly-once guard by (device id, seq) of DESIGN.md, and who pressed for an alert. */
import { and, eq, max, sql } from "drizzle-orm";
import type { Db } from "../db/open";
import { presses } from "../db/schema";
import { prepared } from "./prepared";

export type NewPress = typeof presses.$inferInsert;

const p = (name: string) => sql.placeholder(name);

/** The alert an earlier packet with this (device, seq) was stored under; undefined when it is new. */
export function findPress(db: Db, deviceId: string, seq: number): { alertId: number | null } | undefined {
  return prepared(db, "presses.find", () =>
    db.select({ alertId: presses.alertId }).from(presses).where(and(eq(presses.deviceId, p("d")), eq(presses.seq, p("s")))).prepare(),
  ).get({ d: deviceId, s: seq });
}

export function insertPress(db: Db, row: Required<Omit<NewPress, "id">>): void {
  prepared(db, "presses.insert", () =>
    db.insert(presses).values({
      deviceId: p("deviceId"), seq: p("seq"), alertId: p("alertId"), action: p("action"), kind: p("kind"),
      trigger: p("trigger"), deviceTs: p("deviceTs"), receivedAt: p("receivedAt"),
    }).prepare(),
  ).run(row);
}

/** Each device that pressed for the alert, with its latest seq: the acks to send when the alert changes. */
export function latestSeqPerDevice(db: Db, alertId: number): { deviceId: string; seq: number | null }[] {
  return prepared(db, "presses.latestPerDevice", () =>
    db.select({ deviceId: presses.deviceId, seq: max(presses.seq) }).from(presses).where(eq(presses.alertId, p("a"))).groupBy(presses.deviceId).prepare(),
  ).all({ a: alertId });
}
