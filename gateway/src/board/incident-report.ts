/**
 * An alert's incident report ("the full timeline, printable"), also the data of the
 * console's alert page: household, device, every notification, responders, and the audit trail
 * with the details the console stream leaves out (notes, responder steps).
 */
import { asc, eq } from "drizzle-orm";
import type { AlertView, NotificationView } from "@helpkey/shared";
import type { AlertContext } from "../alerts/context";
import { events, residents } from "../db/schema";
import { getAlert, toAlertView } from "../store/alerts";
import { notificationsOfAlert, toNotificationView } from "../store/notifications";
import { dispatchesOf, toDispatchView, type DispatchView } from "../users/patrol-store";
import { deviceHealthList, type DeviceHealthRow } from "./device-health";
import { summarizeByPerson, type PersonSummary } from "./contact-summary";
import { revealsOfAlert } from "./door-code";

export interface TrailEntry {
  n: number;
  type: string;
  ts: number;
  actor: string | null;
  /** The alert's state after this event (alert events only). */
  state?: string | undefined;
  note?: string | undefined;
  outcome?: string | undefined;
  /** A responder's own step from the responder page. */
  responderStep?: string | undefined;
  notification?: { id: number; contactName: string; channel: string; purpose: string; status: string } | undefined;
  device?: { id: string; online: boolean; battery: number | null } | undefined;
}

export interface IncidentReport {
  alert: AlertView;
  household: { id: number; notes: string | null; residents: { name: string; notes: string | null }[]; contacts: { id: number; name: string; phone: string; relation: string; priority: number; language: string }[] };
  /** The devices of the household (the one that pressed first). */
  devices: DeviceHealthRow[];
  notifications: NotificationView[];
  /** The notification history, one row per person reached (the report's contact table). */
  people: PersonSummary[];
  responders: DispatchView[];
  trail: TrailEntry[];
  generatedAt: number;
}

interface StoredData {
  alert?: AlertView;
  notification?: NotificationView;
  device?: { id: string; online: boolean; battery: number | null };
  extra?: { note?: string; responder?: { step?: string } };
}

export function incidentReport(ctx: AlertContext, alertId: number, now: number): IncidentReport | null {
  const row = getAlert(ctx.db, alertId);
  if (!row) return null;
  const info = ctx.dir.get(row.householdId);
  const people = ctx.db.select().from(residents).where(eq(residents.householdId, row.householdId)).orderBy(asc(residents.id)).all();
  const trail = ctx.db.select().from(events).where(eq(events.alertId, alertId)).orderBy(asc(events.id)).all().map((e): TrailEntry => {
    const d = (e.data ? JSON.parse(e.data) : {}) as StoredData;
    const n = d.notification;
    return {
      n: e.id, type: e.type, ts: e.at, actor: e.actor,
      state: d.alert?.state, note: d.extra?.note, outcome: e.type === "alert.resolved" ? d.alert?.outcome ?? undefined : undefined,
      responderStep: d.extra?.responder?.step,
      notification: n ? { id: n.id, contactName: n.contactName, channel: n.channel, purpose: n.purpose, status: n.status } : undefined,
    };
  });
  // Door-code reveals are audited apart from the event log (never on the console stream); the trail shows who, never the code.
  for (const r of revealsOfAlert(ctx.db, alertId)) {
    const at = trail.findIndex((e) => e.ts > r.at);
    trail.splice(at < 0 ? trail.length : at, 0, { n: -r.id, type: "alert.door_code", ts: r.at, actor: r.actor });
  }
  const notifications = notificationsOfAlert(ctx.db, alertId).map(toNotificationView);
  const devs = deviceHealthList(ctx.db, { communityIds: null, householdId: row.householdId });
  return {
    alert: toAlertView(row, ctx.dir),
    household: {
      id: row.householdId, notes: info?.notes ?? null,
      residents: people.map((p) => ({ name: p.name, notes: p.notes })),
      contacts: (info?.contacts ?? []).map((c) => ({ id: c.id, name: c.name, phone: c.phone, relation: c.relation, priority: c.priority, language: c.language })),
    },
    devices: devs.sort((a, b) => (a.id === row.deviceId ? -1 : b.id === row.deviceId ? 1 : 0)),
    notifications,
    people: summarizeByPerson(notifications, info?.contacts ?? []),
    responders: dispatchesOf(ctx.db, alertId).map(toDispatchView),
    trail,
    generatedAt: now,
  };
}
