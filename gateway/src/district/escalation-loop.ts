/**
 * The district tier's timer: every scan escalates the alarms past their district delay
 * (escalation-scan.ts) and keeps district consoles within their districts (scope-watch.ts). It runs
 * at once on start, so alarms whose delay passed while the gateway was down go up right away.
 */
import type { Logger } from "pino";
import type { AlertContext } from "../alerts/context";
import type { Effects } from "../alerts/effects";
import type { ConsoleHub } from "../console/console-hub";
import { runDueEscalations } from "./escalation-scan";
import { createScopeWatch } from "./scope-watch";

/** How often open alarms are looked at: the delay is minutes; a second late is within what it means. */
export const ESCALATION_SCAN_MS = 1000;
/** Alarms escalated per transaction; more due go in the next turn, not after a whole interval. */
const PER_SCAN = 200;

export interface EscalationLoopOptions {
  ctx: AlertContext;
  hub: ConsoleHub;
  now: () => number;
  /** Sends the committed events on (console frames after the fsync). */
  dispatch: (fx: Effects) => void;
  logger: Logger;
  scanMs?: number;
}

export function startEscalationLoop(o: EscalationLoopOptions): { close(): void } {
  const scanMs = o.scanMs ?? ESCALATION_SCAN_MS;
  const watch = createScopeWatch(o.ctx.db, o.hub, o.logger);
  let timer: NodeJS.Timeout | null = null;
  let running = true;
  const tick = () => {
    timer = null;
    if (!running) return;
    let more = false;
    try {
      const r = runDueEscalations(o.ctx, o.now(), PER_SCAN);
      o.dispatch(r.effects);
      more = r.more;
      if (r.effects.events.length > 0) o.logger.warn({ alertIds: r.effects.events.map((e) => e.alert?.id) }, "unclaimed alarms escalated to the district");
      watch.check();
    } catch (err) {
      o.logger.error({ err }, "district escalation scan failed; retrying");
    }
    timer = setTimeout(tick, more ? 0 : scanMs);
  };
  tick();
  return {
    close() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
