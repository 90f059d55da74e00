/**
 * The wait between the connect storm and the quiet phase, so that "quiet" measures a district at
 * rest and not the connect storm's aftermath: once allocation stays low, V8's memory reducer
 * compacts the heap the storm left on the broker thread (a few full GCs of tens of ms each). Those
 * pauses belong to the settle phase's row of the phase table, not to the quiet presses.
 */
import { sampleProc } from "./proc-stats";
import { waitUntil } from "./scenarios";

export interface SettleResult {
  /** The RSS fell below the threshold and then held. */
  settled: boolean;
  waitedMs: number;
  rssFromMB: number;
  rssToMB: number;
}

export interface SettleOptions {
  /** How far below `fromBytes` the RSS must fall, % (default 10). */
  dropPct?: number;
  /** How long it must then hold within 1 % (default 5 s). */
  holdMs?: number;
  pollMs?: number;
}

/** Waits until the server process `pid` has settled (see settleBy). */
export function settle(pid: () => number, fromBytes: number, maxMs: number): Promise<SettleResult> {
  return settleBy(() => sampleProc(pid())?.rssBytes ?? null, fromBytes, maxMs);
}

/**
 * Waits, at most `maxMs`, until `rss()` has fallen at least `dropPct` % below `fromBytes` (the
 * connect storm's memory given back) and then held within 1 % for `holdMs`. A null sample (the
 * process between two reads of /proc) keeps the previous one.
 */
export async function settleBy(rss: () => number | null, fromBytes: number, maxMs: number, o: SettleOptions = {}): Promise<SettleResult> {
  const { dropPct = 10, holdMs = 5000, pollMs = 250 } = o;
  const t0 = performance.now();
  let ref = 0;
  let since = 0;
  let current = fromBytes;
  const settled = await waitUntil(() => {
    current = rss() ?? current;
    if (current > fromBytes * (1 - dropPct / 100)) return false;
    if (ref === 0 || Math.abs(current - ref) > ref * 0.01) {
      ref = current;
      since = performance.now();
      return false;
    }
    return performance.now() - since >= holdMs;
  }, maxMs, pollMs);
  return { settled, waitedMs: performance.now() - t0, rssFromMB: fromBytes / 2 ** 20, rssToMB: current / 2 ** 20 };
}
