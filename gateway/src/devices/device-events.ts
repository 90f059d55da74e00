/**
 * A device's `event` (docs/device-protocol.md): `activity` is a sign of life for its household
 * (welfare checks); `shown` / `dismissed` report a TV message. Inside the ingest's transaction.
 */
import type { DeviceEvent } from "@helpkey/shared";
import type { AlertContext } from "../alerts/context";
import type { Effects } from "../alerts/effects";
import { tvMessageReported } from "../tv/tv-flow";
import { signOfLife } from "../welfare/welfare-flow";

export type DeviceEventOutcome = { ok: true; effects: Effects | null } | { ok: false; code: "HK_MQTT_UNKNOWN_DEVICE" };

export function handleDeviceEvent(ctx: AlertContext, deviceId: string, e: DeviceEvent, now: number): DeviceEventOutcome {
  const device = ctx.devices.get(deviceId);
  if (!device || device.revoked) return { ok: false, code: "HK_MQTT_UNKNOWN_DEVICE" };
  if (e.type === "activity") {
    // the gateway's clock, not the device's: a box with a wrong clock must not hold the watch off
    signOfLife(ctx, device.householdId, now);
    return { ok: true, effects: null };
  }
  return { ok: true, effects: tvMessageReported(ctx, deviceId, e.msgId, e.type, now) };
}
