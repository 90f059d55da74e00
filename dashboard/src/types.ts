/**
 * Shapes of the gateway's console-only answers (gateway/src/board/*, gateway/src/users/*). The
 * shared stream types (AlertView, ConsoleEvent, …) come from @helpkey/shared as types only, so no
 * schema library is bundled into the browser.
 */
import type { AlertView, NotificationView } from "@helpkey/shared";

export type Role = "dispatcher" | "supervisor" | "admin";
export interface Me {
  name: string;
  role: Role;
  userId: number | null;
  communityIds: number[] | null;
}

export type Health = "online" | "offline" | "low_battery" | "never_seen";

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
  health: Health;
}

export interface GridCell {
  householdId: number;
  room: string;
  name: string | null;
  residents: string[];
  alert: { id: number; state: AlertView["state"]; kind: AlertView["kind"] } | null;
  trouble: Exclude<Health, "online"> | null;
  devices: number;
}

export interface GridBuilding {
  id: number;
  name: string;
  communityId: number;
  communityName: string;
  units: { id: number; name: string; cells: GridCell[] }[];
}

export interface TrailEntry {
  n: number;
  type: string;
  ts: number;
  actor: string | null;
  state?: string;
  note?: string;
  outcome?: string;
  responderStep?: string;
  notification?: { id: number; contactName: string; channel: string; purpose: string; status: string };
}

export interface Dispatch {
  id: number;
  alertId: number;
  patrolMemberId: number;
  name: string;
  dispatchedBy: string;
  status: "dispatched" | "on_way" | "arrived" | "resolved";
  createdAt: number;
  updatedAt: number;
}

export interface Report {
  alert: AlertView;
  household: { id: number; notes: string | null; residents: { name: string; notes: string | null }[]; contacts: { id: number; name: string; phone: string; relation: string; priority: number; language: string }[] };
  devices: DeviceHealthRow[];
  notifications: NotificationView[];
  responders: Dispatch[];
  trail: TrailEntry[];
  generatedAt: number;
}

export interface PatrolMember {
  id: number;
  communityId: number;
  name: string;
  phone: string;
  language: "zh-CN" | "en";
}
