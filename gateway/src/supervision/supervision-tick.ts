/** Supervision's share of the outbox worker's tick: the silence timers, then the fault texts that are due. */
import type { AlertContext } from "../alerts/context";
import { mergeEffects, type Effects } from "../alerts/effects";
import { runDueFaultTexts } from "./fault-texts";
import { runDueSilence } from "./silence-flow";

export function runSupervision(ctx: AlertContext, now: number, limit: number): { effects: Effects; more: boolean; nextAt: number | null } {
  const silence = runDueSilence(ctx, now, limit);
  // after the silence step: a fault raised just now with no delay is texted in this same tick
  const texts = runDueFaultTexts(ctx, now, limit);
  const at = [silence.nextAt, texts.nextAt].filter((x): x is number => x !== null);
  return { effects: mergeEffects(silence.effects, texts.effects), more: silence.more || texts.more, nextAt: at.length ? Math.min(...at) : null };
}
