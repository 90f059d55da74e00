/**
 * Joins what different processes saw about the same press: the device's press and ack, the
 * console's event, the phone network's first request. All times are on the coordinator's clock.
 */
import type { Press } from "./fleets";

export interface Observed {
  /** device index → times (ascending) */
  byDevice: Map<number, number[]>;
}

export function indexByDevice<T>(samples: T[], device: (s: T) => number, at: (s: T) => number, keep: (s: T) => boolean = () => true): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const s of samples) {
    if (!keep(s)) continue;
    const d = device(s);
    let a = m.get(d);
    if (!a) m.set(d, (a = []));
    a.push(at(s));
  }
  for (const a of m.values()) a.sort((x, y) => x - y);
  return m;
}

/** First index in sorted `a` with a[i] ≥ t. */
function lowerBound(a: number[], t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * For each press, the first observation of its device at or after the press and before that
 * device's next press (so a later press never borrows an earlier press's event). Each observation
 * is used once.
 */
export function latencies(presses: Press[], observed: Map<number, number[]>, allPresses: Map<number, number[]>): { values: number[]; missing: Press[] } {
  const used = new Map<number, Set<number>>();
  const values: number[] = [];
  const missing: Press[] = [];
  for (const p of presses) {
    const obs = observed.get(p.index);
    const own = allPresses.get(p.index) ?? [];
    const nextPress = own[lowerBound(own, p.at) + 1] ?? Infinity;
    let hit: number | undefined;
    if (obs) {
      const u = used.get(p.index) ?? new Set<number>();
      used.set(p.index, u);
      for (let i = lowerBound(obs, p.at); i < obs.length && obs[i]! < nextPress; i++) {
        if (!u.has(i)) {
          u.add(i);
          hit = obs[i]!;
          break;
        }
      }
    }
    if (hit === undefined) missing.push(p);
    else values.push(hit - p.at);
  }
  return { values, missing };
}
