/**
 * The grid workers' text about a technical alert, queued when its delay (policy
 * supervision.smsAfterS) has passed and nobody acknowledged it and the device did not come back.
 * Only the household's grid workers, by SMS, never a call and never the family; in each worker's
 * language, the time in the community's zone. The rows carry no alert (alertId null, faultId set)
 * and queue behind every alarm's (priority 9, the last wave); like service texts they wait out the
 * community's quiet hours.
 */
import type { Address, Language } from "@helpkey/shared";
import type { FaultType } from "@helpkey/shared/supervision";
import type { AlertContext } from "../alerts/context";
import { emptyEffects, type Effects } from "../alerts/effects";
import { windowEndsAt } from "../engine/waking-hours";
import { clock } from "../notify/texts";
import { dueFaultTexts, markTexted, nextFaultTextDue, type FaultRow } from "../store/device-faults";
import { insertNotification } from "../store/notifications";
import { faultEvent } from "./fault-view";

/** Behind every alarm's row in the send queue: the calmest priority and a wave no cascade reaches. */
export const FAULT_PRIORITY = 9;
export const FAULT_WAVE = 99;

export interface FaultFacts {
  type: FaultType;
  deviceId: string;
  deviceType: "button" | "stb";
  address: Address;
  since: number;
  detail: string | null;
  timeZone: string;
}

const zh = (lang: Language) => lang === "zh-CN";

function place(a: Address, lang: Language): string {
  return zh(lang) ? `${a.community}${a.building}${a.unit}${a.room}室` : `${a.community}, ${a.building}, ${a.unit}, room ${a.room}`;
}

export function faultSms(f: FaultFacts, lang: Language): string {
  const t = clock(f.since, f.timeZone);
  if (zh(lang)) {
    const device = `${f.deviceType === "stb" ? "机顶盒" : "呼救按钮"}（${f.deviceId}）`;
    const what = f.type === "offline" ? `自${t}起离线` : f.type === "low_battery" ? `电量低${f.detail ? `（${f.detail}）` : ""}，${t}起` : `${t}自检未通过${f.detail ? `（${f.detail}）` : ""}`;
    return `【一键通·设备故障】${place(f.address, lang)}的${device}${what}，请上门检查。`;
  }
  const device = `${f.deviceType === "stb" ? "set-top box" : "help button"} ${f.deviceId}`;
  const what = f.type === "offline" ? `has been offline since ${t}` : f.type === "low_battery" ? `has had a low battery${f.detail ? ` (${f.detail})` : ""} since ${t}` : `failed its self-test at ${t}${f.detail ? ` (${f.detail})` : ""}`;
  return `[helpkey] Device fault: the ${device} at ${place(f.address, lang)} ${what}. Please check it.`;
}

/** One fault's texts (inside the caller's transaction); with no grid worker nobody is texted and the console keeps it. */
function textFault(ctx: AlertContext, f: FaultRow, now: number, fx: Effects): void {
  const info = ctx.dir.get(f.householdId);
  // a device revoked since the fault was raised needs no visit
  const workers = ctx.devices.get(f.deviceId)?.revoked === false ? info?.gridWorkers ?? [] : [];
  const updated = markTexted(ctx.db, f.id, workers.length > 0 ? now : null);
  if (info) {
    const facts: FaultFacts = {
      type: f.type, deviceId: f.deviceId, deviceType: ctx.devices.get(f.deviceId)?.type ?? "button", address: info.address,
      since: f.raisedAt, detail: f.detail, timeZone: info.policy.timeZone,
    };
    const quiet = info.policy.quietHours ? windowEndsAt(now, info.policy.quietHours, info.policy.timeZone) : null;
    for (const w of workers) {
      insertNotification(ctx.db, {
        alertId: null, faultId: f.id, communityId: f.communityId, contactId: null, name: w.name, toPhone: w.phone, language: w.language,
        channel: "sms", purpose: "fault", priority: FAULT_PRIORITY, wave: FAULT_WAVE, round: 1, body: faultSms(facts, w.language),
        status: "queued", attempts: 0, nextAttemptAt: quiet ?? now, createdAt: now, updatedAt: now,
      });
    }
    if (workers.length > 0) fx.wakeOutbox = true;
  }
  fx.events.push(faultEvent(ctx, "fault.updated", updated, now, null));
}

/** The outbox worker's step: up to `limit` faults whose text is due, in one transaction. */
export function runDueFaultTexts(ctx: AlertContext, now: number, limit: number): { effects: Effects; more: boolean; nextAt: number | null } {
  const fx = emptyEffects();
  const due = dueFaultTexts(ctx.db, now, limit);
  if (due.length > 0) ctx.db.$client.transaction(() => due.forEach((f) => textFault(ctx, f, now, fx))).immediate();
  return { effects: fx, more: due.length === limit, nextAt: nextFaultTextDue(ctx.db) };
}
