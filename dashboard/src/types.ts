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

import type { DeviceHealthRow } from "@helpkey/shared";
export type { DeviceHealth as Health, DeviceHealthRow, GridBuilding, GridCell } from "@helpkey/shared";

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

export type { ServiceCategory, TvMessageStatus, TvMessageView } from "@helpkey/shared";
