/**
 * The district tier (辖区指挥中心): districts, the district dashboard's query and answer. A district
 * sees every community that names it; an alert still unclaimed after the community's
 * `districtEscalationS` goes up to the district's consoles.
 */
import { z } from "zod";
import type { AlertView } from "./domain";
import { phoneSchema } from "./http";
import { idTextSchema, patchOf } from "./ids";
import { pageQuerySchema } from "./registry";

export const createDistrictSchema = z.object({
  name: z.string().trim().min(1).max(100),
  /** The command centre's own number (E.164), shown on its dashboard. */
  phone: phoneSchema.nullable().optional(),
});
export type CreateDistrict = z.infer<typeof createDistrictSchema>;
export const patchDistrictSchema = patchOf(createDistrictSchema);

/** `GET /api/districts`: one page (`limit`, opaque `cursor`; `x-next-cursor` while more follow). */
export const districtListQuerySchema = pageQuerySchema;

export interface DistrictView {
  id: number;
  name: string;
  phone: string | null;
  /** The communities that name this district, in id order. */
  communityIds: number[];
  createdAt: number;
}

export const districtDashboardQuerySchema = z.object({
  /** Only this district (a district user: one of its own; an admin: any). */
  districtId: idTextSchema.optional(),
});

/** Answer times of one community's alarms today (first press to the first claim or acknowledgement). */
export interface AnswerTimes {
  /** Alarms pressed today that someone claimed or acknowledged. */
  answered: number;
  /** Alarms pressed today that nobody has claimed yet. */
  unanswered: number;
  medianS: number | null;
  p90S: number | null;
}

export interface DistrictCommunityRow {
  communityId: number;
  name: string;
  timeZone: string;
  /** Live alarms (not resolved or cancelled). Service requests and alarms raised in maintenance are not counted anywhere here. */
  activeAlerts: number;
  /** Open alarms: nobody has claimed or acknowledged them (yet, or again). */
  openAlerts: number;
  /** The oldest open alarm: its first press and its age at `generatedAt`. */
  oldestOpen: { alertId: number; firstPressAt: number; ageS: number } | null;
  /** Open alarms that went up to the district. */
  escalatedOpen: number;
  /** Provisioned devices whose supervision failed (offline). */
  devicesOffline: number;
  /** Since midnight in the community's time zone. */
  today: AnswerTimes & { since: number };
}

/** An open alarm that went up to the district, for the dashboard's loud list. */
export interface EscalatedAlert {
  alert: AlertView;
  districtId: number;
  escalatedAt: number;
}

export interface DistrictDashboard {
  generatedAt: number;
  districts: { id: number; name: string; phone: string | null; communities: DistrictCommunityRow[] }[];
  /** Open escalated alarms, the oldest escalation first. */
  escalated: EscalatedAlert[];
}
