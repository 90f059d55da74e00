/** Shapes of the console's boards (device health, building grid): answered by the gateway, drawn by the dashboard. */
import type { AlarmKind } from "./protocol";
import type { AlertState } from "./domain";

export const deviceHealths = ["online", "offline", "low_battery", "never_seen"] as const;
export type DeviceHealth = (typeof deviceHealths)[number];

export interface DeviceHealthRow {
  id: string;
  type: "button" | "stb";
  householdId: number;
  communityId: number;
  buildingId: number;
  address: { community: string; building: string; unit: string; room: string };
  online: boolean;
  battery: number | null;
  fw: string | null;
  lastSeenAt: number | null;
  health: DeviceHealth;
  /** The last time the device sent a used seq with a new press (it lost its counter); null: never. */
  seqResetAt: number | null;
}

export interface GridCell {
  householdId: number;
  room: string;
  name: string | null;
  residents: string[];
  alert: { id: number; state: AlertState; kind: AlarmKind } | null;
  /** The worst device state when it is not plain online; null when every device is fine. */
  trouble: Exclude<DeviceHealth, "online"> | null;
  devices: number;
}

export interface GridBuilding {
  id: number;
  name: string;
  communityId: number;
  communityName: string;
  units: { id: number; name: string; cells: GridCell[] }[];
}

/** The incident report's history per person reached: one row each, with their attempts. */
export interface PersonAttempt {
  id: number;
  channel: string;
  purpose: string;
  status: string;
  wave: number;
  attempts: number;
  at: number;
}

export interface PersonSummary {
  contactId: number | null;
  name: string;
  relation: string | null;
  phone: string | null;
  sms: number;
  calls: number;
  /** The best that came of it: pressed 1, pressed 2, answered, delivered … (ranked in gateway/src/board/contact-summary.ts). */
  result: string;
  lastAt: number;
  attempts: PersonAttempt[];
}
