/**
 * What goes back to the resident's device (the `ack` with state, by and text),
 * in the residents' language: the one language all residents of the household share, else the
 * community's.
 */
import type { AckPayload } from "@helpkey/shared";
import { deviceText } from "../notify/texts";
import type { AlertRow } from "../store/alerts";
import type { HouseholdInfo } from "../store/household-info";
import { latestSeqPerDevice } from "../store/presses";
import { ackStateOf, type AlertContext } from "./context";
import type { Effects } from "./effects";

export interface AckOptions {
  /** The alert came back to open after a claim that came to nothing. */
  reopened?: boolean;
}

/** The ack for one press: the alert's state now (0 / cancelled when the press belongs to no alert). */
export function ackFor(ctx: AlertContext, deviceId: string, seq: number, alert: AlertRow | undefined, info: HouseholdInfo, o: AckOptions = {}): Effects["acks"][number] {
  if (!alert) return { deviceId, ack: { seq, alertId: 0, state: "cancelled" } };
  const state = ackStateOf(alert.state);
  const by = (alert.state === "acknowledged" || alert.state === "responding" ? alert.goingBy ?? alert.acknowledgedBy : null) ?? undefined;
  const text = deviceText({
    state, goingBy: alert.goingBy, goingAt: alert.goingAt, acknowledgedBy: alert.acknowledgedBy, timeZone: info.policy.timeZone, ...(o.reopened ? { reopened: true } : {}),
  }, info.residentLanguage);
  // within the protocol's limits whatever the names: a device drops an ack that breaks them
  const ack: AckPayload = { seq, alertId: alert.id, state, ...(by ? { by: by.slice(0, 64) } : {}), text: text.slice(0, 200) };
  return { deviceId, ack };
}

/** Every device that pressed for this alert hears its new state. */
export function deviceAcks(ctx: AlertContext, alert: AlertRow, o: AckOptions = {}): Effects["acks"] {
  const info = ctx.dir.get(alert.householdId);
  if (!info) return [];
  return latestSeqPerDevice(ctx.db, alert.id).map((r) => ackFor(ctx, r.deviceId, r.seq, alert, info, o));
}
