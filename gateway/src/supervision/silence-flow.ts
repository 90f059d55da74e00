/**
 * The silence timer (devices.silent_due_at), run by the outbox worker's tick like the welfare and
 * arrival timers, so it survives a restart. It runs while a device is offline (from its Last Will)
 * and, after a restart, for every device the gateway last knew online until that device is heard
 * from again: the embedded broker restarted with the gateway, so no Last Will will come for a
 * device that never reconnects. When it fires the device is offline (if it was not yet) and an
 * `offline` fault is raised.
 */
import type { ConsoleEvent } from "@helpkey/shared";
import type { AlertContext } from "../alerts/context";
import { emptyEffects, type Effects } from "../alerts/effects";
import { dueSilent, nextSilentDue, onlineUntimed, setOffline, setSilentDue, shiftCommunitySilentDue, shiftSilentDue, type SupervisedDevice } from "../store/device-faults";
import { appendEvent } from "../store/events";
import { raiseFault } from "./fault-flow";
import { silentDueFrom } from "./rules";

function silent(ctx: AlertContext, d: SupervisedDevice, now: number): ConsoleEvent[] {
  setSilentDue(ctx.db, d.id, null);
  if (d.revokedAt !== null) return [];
  const out: ConsoleEvent[] = [];
  const info = ctx.dir.get(d.householdId);
  if (d.online) {
    const row = setOffline(ctx.db, d.id);
    if (row && info) {
      out.push(appendEvent(ctx.db, {
        type: "device.status", ts: now, communityId: info.communityId, actor: null,
        device: { id: row.id, householdId: row.householdId, type: row.type, online: false, battery: row.battery, lastSeenAt: row.lastSeenAt },
      }, { data: { silent: true } }));
    }
  }
  const fault = raiseFault(ctx, d.id, "offline", null, now);
  if (fault) out.push(fault);
  return out;
}

/** The outbox worker's step: up to `limit` devices silent past their window, in one transaction. */
export function runDueSilence(ctx: AlertContext, now: number, limit: number): { effects: Effects; more: boolean; nextAt: number | null } {
  const fx = emptyEffects();
  const due = dueSilent(ctx.db, now, limit);
  if (due.length > 0) ctx.db.$client.transaction(() => due.forEach((d) => fx.events.push(...silent(ctx, d, now)))).immediate();
  return { effects: fx, more: due.length === limit, nextAt: nextSilentDue(ctx.db) };
}

/**
 * A window changed from `fromS` to `toS` seconds: a running timer keeps its start (the Last Will,
 * or the restart) and takes the new length, so a close watch set on a device already silent counts
 * from when it went silent. True when a timer moved; the caller wakes the worker.
 */
export function retimeSilence(ctx: AlertContext, deviceId: string, fromS: number, toS: number): boolean {
  return fromS !== toS && shiftSilentDue(ctx.db, deviceId, (toS - fromS) * 1000);
}

/** The community's window changed: the timers of its devices that follow it (no window of their own) move; how many did. */
export function retimeCommunitySilence(ctx: AlertContext, communityId: number, fromS: number, toS: number): number {
  return fromS === toS ? 0 : shiftCommunitySilentDue(ctx.db, communityId, (toS - fromS) * 1000);
}

/** At start-up, before any status is read: every device last known online must be heard from within its window. */
export function armAfterRestart(ctx: AlertContext, now: number): number {
  let n = 0;
  ctx.db.$client.transaction(() => {
    for (const d of onlineUntimed(ctx.db)) {
      const info = ctx.dir.get(d.householdId);
      if (!info) continue;
      setSilentDue(ctx.db, d.id, silentDueFrom(info.policy.supervision, d.supervisionS, now));
      n++;
    }
  }).immediate();
  return n;
}
