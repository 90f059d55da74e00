/**
 * Which alarms went up to the district (an `alert.escalated` event, or the district dashboard's list
 * after a reload). A district officer's console sounds only for these while they are still
 * unclaimed: every other open alarm of the district is the community centre's to answer first.
 */
import type { AlertView, DistrictDashboard } from "@helpkey/shared";
import { api } from "./api";
import type { Change } from "./store";
import type { Me } from "./types";

/** Alert id → when it went up. Bounded by `prune` to the alarms still in view. */
const escalated = new Map<number, number>();
const listeners = new Set<() => void>();

export const isDistrictOfficer = (me: Pick<Me, "role">) => (me.role as string) === "district";

export function onEscalationsChange(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

function changed(): void {
  for (const f of listeners) f();
}

/** Takes the escalations of a batch of live events. */
export function noteEscalations(c: Change): void {
  let any = false;
  for (const e of c.events) {
    if (e.type === "alert.escalated" && e.alert && !escalated.has(e.alert.id)) {
      escalated.set(e.alert.id, e.ts);
      any = true;
    }
  }
  if (any) changed();
}

/** Takes the dashboard's list (it knows the escalations made before this console connected); keeps only what is still listed or live. */
export function takeDashboard(d: DistrictDashboard, live: ReadonlyMap<number, AlertView>): void {
  const listed = new Set(d.escalated.map((e) => e.alert.id));
  for (const id of escalated.keys()) if (!listed.has(id) && !live.has(id)) escalated.delete(id);
  for (const e of d.escalated) escalated.set(e.alert.id, e.escalatedAt);
  changed();
}

/** Fetches the dashboard for its escalations (after a snapshot: the events before it are not replayed). */
export async function loadEscalations(live: ReadonlyMap<number, AlertView>): Promise<DistrictDashboard | null> {
  try {
    const d = await api<DistrictDashboard>("GET", "/api/district/dashboard");
    takeDashboard(d, live);
    return d;
  } catch {
    return null;
  }
}

export const escalatedAt = (alertId: number): number | undefined => escalated.get(alertId);

/** The escalated alarms of the queue still unclaimed, the longest escalated first. */
export function escalatedOpen(queue: readonly AlertView[]): AlertView[] {
  return queue.filter((a) => a.state === "open" && escalated.has(a.id)).sort((a, b) => escalated.get(a.id)! - escalated.get(b.id)! || a.id - b.id);
}

/** The alarm's counts for a district officer: only unclaimed escalations sound. */
export function districtAlarmCounts(queue: readonly AlertView[]): { unclaimed: number; service: number; inProgress: number } {
  return { unclaimed: escalatedOpen(queue).length, service: 0, inProgress: 0 };
}
