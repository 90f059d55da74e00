/** The fleet's numbers: counters summed over the workers, and press → ack times as percentiles. */
import type { DeviceReport } from "./scenarios/scenario";
import { emptyCounters, type WorkerCounters } from "./worker-protocol";

export function sumCounters(all: readonly WorkerCounters[]): WorkerCounters {
  const s = emptyCounters();
  for (const c of all) for (const k of Object.keys(s) as (keyof WorkerCounters)[]) s[k] += c[k];
  return s;
}

/** Press → ack times, kept whole: a run's presses are what its scenario made (bounded by the fleet). */
export class Latencies {
  private values: number[] = [];
  private sorted = true;

  add(ms: readonly number[]): void {
    if (ms.length === 0) return;
    this.values.push(...ms);
    this.sorted = false;
  }

  get count(): number {
    return this.values.length;
  }

  /** The nearest-rank percentile (0 < p ≤ 100); null without samples. */
  percentile(p: number): number | null {
    if (this.values.length === 0) return null;
    if (!this.sorted) {
      this.values.sort((a, b) => a - b);
      this.sorted = true;
    }
    return this.values[Math.min(this.values.length - 1, Math.max(0, Math.ceil((p / 100) * this.values.length) - 1))]!;
  }
}

export interface AlertCounts {
  /** Distinct alerts the acked presses named. */
  alerts: number;
  /** Acting devices whose presses named more than one alert. */
  devicesWithSeveral: number;
}

export function alertCounts(reports: readonly DeviceReport[]): AlertCounts {
  const all = new Set<number>();
  let several = 0;
  for (const r of reports) {
    const mine = new Set<number>();
    for (const p of r.presses) if (p.alertId !== null && p.alertId > 0) (mine.add(p.alertId), all.add(p.alertId));
    if (mine.size > 1) several++;
  }
  return { alerts: all.size, devicesWithSeveral: several };
}
