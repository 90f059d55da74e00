/**
 * The presses table: the exactly-once guard of the device protocol and who pressed for an alert. A packet is a
 * retransmission when its (device, seq) and payload (device time, action, kind) match a stored one; the
 * same (device, seq) with another payload is a new press from a device that lost its counter.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/open";
import { devices, presses } from "../db/schema";
import { prepared } from "./prepared";

export type NewPress = typeof presses.$inferInsert;

const p = (name: string) => sql.placeholder(name);

export type PressMatch =
  | { type: "new" }
  /** The same packet again (a lost ack): answer with the alert it was stored under. */
  | { type: "retransmission"; alertId: number | null }
  /** The seq was used before for another press: the device's counter went back. */
  | { type: "seq_reused" };

export function matchPress(db: Db, deviceId: string, seq: number, payload: { deviceTs: number; action: string; kind: string }): PressMatch {
  const rows = prepared(db, "presses.find", () =>
    db.select({ alertId: presses.alertId, deviceTs: presses.deviceTs, action: presses.action, kind: presses.kind })
      .from(presses).where(and(eq(presses.deviceId, p("d")), eq(presses.seq, p("s")))).prepare(),
  ).all({ d: deviceId, s: seq });
  if (rows.length === 0) return { type: "new" };
  const same = rows.find((r) => r.deviceTs === payload.deviceTs && r.action === payload.action && r.kind === payload.kind);
  return same ? { type: "retransmission", alertId: same.alertId } : { type: "seq_reused" };
}

export function insertPress(db: Db, row: Required<Omit<NewPress, "id">>): void {
  prepared(db, "presses.insert", () =>
    db.insert(presses).values({
      deviceId: p("deviceId"), seq: p("seq"), alertId: p("alertId"), action: p("action"), kind: p("kind"),
      trigger: p("trigger"), deviceTs: p("deviceTs"), receivedAt: p("receivedAt"),
    }).prepare(),
  ).run(row);
}

/** The device health board shows that this device lost its counter, and when. */
export function flagSeqReset(db: Db, deviceId: string, at: number): void {
  prepared(db, "devices.seqReset", () => db.update(devices).set({ seqResetAt: sql`${p("at")}` }).where(eq(devices.id, p("id"))).prepare()).run({ id: deviceId, at });
}

/**
 * Each device that pressed for the alert, with the seq of its latest press there: the acks to send
 * when the alert changes. The latest press, not the highest seq: after a counter reset the device
 * waits for its new, lower seq.
 */
export function latestSeqPerDevice(db: Db, alertId: number): { deviceId: string; seq: number }[] {
  return prepared(db, "presses.latestPerDevice", () =>
    db.$client.prepare<[number], { deviceId: string; seq: number }>(
      "SELECT device_id AS deviceId, seq FROM presses WHERE id IN (SELECT max(id) FROM presses WHERE alert_id = ? GROUP BY device_id)",
    ),
  ).all(alertId);
}
