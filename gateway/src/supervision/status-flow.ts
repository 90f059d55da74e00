/**
 * What a device's `status` means for its supervision (inside the ingest's transaction):
 *   online  → the silence timer stops and an `offline` fault clears; the battery and the self-test
 *             result raise or clear their faults; the device gets its keepalive (`cmd config`);
 *   offline → (the Last Will, published by the broker when the link died or its keepalive lapsed)
 *             the silence timer starts: still offline one window later, it is a fault.
 * Only status writes these columns: alarms and events need no write of their own, since the
 * broker's keepalive already tells a live link from a dead one.
 */
import type { CmdPayload, ConsoleEvent, StatusPayload } from "@helpkey/shared";
import type { AlertContext } from "../alerts/context";
import { armSilentDue, setSelftest, setSilentDue } from "../store/device-faults";
import type { DeviceRow } from "../store/device-state";
import type { HouseholdInfo } from "../store/household-info";
import { menuCmd } from "../tv/stb-menu";
import { clearOpenFault, raiseFault } from "./fault-flow";
import { batteryStep, keepaliveFor, selftestStep, silentDueFrom } from "./rules";

/** One `cmd config` per device: its keepalive, and for a set-top box the green key's menu too. */
export function configCmd(info: HouseholdInfo, d: Pick<DeviceRow, "type" | "supervisionS">): CmdPayload {
  const keepaliveS = keepaliveFor(info.policy.supervision, d.supervisionS);
  if (d.type !== "stb") return { type: "config", keepaliveS };
  return { ...(menuCmd(info.serviceCategories) as Extract<CmdPayload, { type: "config" }>), keepaliveS };
}

export function superviseStatus(ctx: AlertContext, row: DeviceRow, info: HouseholdInfo, s: StatusPayload, now: number): { events: ConsoleEvent[]; cmd: CmdPayload | null } {
  const p = info.policy.supervision;
  const events: ConsoleEvent[] = [];
  const push = (e: ConsoleEvent | null) => void (e && events.push(e));
  if (!s.online) {
    armSilentDue(ctx.db, row.id, silentDueFrom(p, row.supervisionS, now));
    return { events, cmd: null };
  }
  setSilentDue(ctx.db, row.id, null);
  push(clearOpenFault(ctx, row.id, "offline", now));
  const battery = batteryStep(p, s.battery);
  if (battery === "raise") push(raiseFault(ctx, row.id, "low_battery", `${Math.round(s.battery!)}%`, now));
  else if (battery === "clear") push(clearOpenFault(ctx, row.id, "low_battery", now));
  const selftest = selftestStep(s);
  if (selftest !== "keep") {
    setSelftest(ctx.db, row.id, selftest === "clear", now);
    push(selftest === "raise" ? raiseFault(ctx, row.id, "selftest_failed", s.detail ?? null, now) : clearOpenFault(ctx, row.id, "selftest_failed", now));
  }
  // a self-test's answer is not a new connection: its keepalive is set already
  return { events, cmd: s.selftest === undefined ? configCmd(info, row) : null };
}
