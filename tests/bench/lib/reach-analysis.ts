/**
 * What `pnpm bench:storm-reach` reports, computed from what the phone network saw: press → first
 * SMS and first call per alert, whether the most urgent alarms were served first, and when every
 * alert's first-wave contact had been called beside when any later wave began. Pure: no I/O.
 */
import { summarize, type Summary } from "./stats";

export interface AlertReach {
  kind: string;
  priority: number;
  pressAt: number;
  /** The first SMS to any of its contacts reached the network (null: never in the run). */
  firstSmsAt: number | null;
  /** The first call to any of its contacts (null: none; service requests are never called). */
  firstCallAt: number | null;
  callable: boolean;
}

/** A call at the network: whose alert, which of its contacts (1 = the first wave), when. */
export interface CallSeen {
  alert: number;
  contact: number;
  at: number;
}

export function delays(alerts: AlertReach[], pick: (a: AlertReach) => number | null): Summary | null {
  const v: number[] = [];
  for (const a of alerts) {
    const at = pick(a);
    if (at !== null) v.push(at - a.pressAt);
  }
  return summarize(v);
}

export interface OrderCheck {
  /** Pairs where one alarm is more urgent and was pressed no later than the other. */
  pairs: number;
  /** Of those, the more urgent one served later (by more than the tolerance). */
  inversions: number;
}

/**
 * A more urgent alarm pressed no later than a less urgent one must not be served after it. Served
 * times within `toleranceMs` count as the same moment: requests sent together reach the network in
 * any order.
 */
export function priorityOrder(alerts: AlertReach[], served: (a: AlertReach) => number | null, toleranceMs: number): OrderCheck {
  let pairs = 0;
  let inversions = 0;
  for (const a of alerts) {
    const sa = served(a);
    if (sa === null) continue;
    for (const b of alerts) {
      const sb = served(b);
      if (sb === null || a.priority >= b.priority || a.pressAt > b.pressAt) continue;
      pairs++;
      if (sa - sb > toleranceMs) inversions++;
    }
  }
  return { pairs, inversions };
}

function ranks(v: number[]): number[] {
  const order = v.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
  const r = new Array<number>(v.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2 + 1; // ties share their average rank
    i = j + 1;
  }
  return r;
}

/** Spearman's rank correlation (ties averaged); null for fewer than two points or no spread. */
export function spearman(x: number[], y: number[]): number | null {
  if (x.length < 2 || x.length !== y.length) return null;
  const rx = ranks(x);
  const ry = ranks(y);
  const mean = (x.length + 1) / 2;
  let num = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < x.length; i++) {
    num += (rx[i]! - mean) * (ry[i]! - mean);
    dx += (rx[i]! - mean) ** 2;
    dy += (ry[i]! - mean) ** 2;
  }
  return dx === 0 || dy === 0 ? null : num / Math.sqrt(dx * dy);
}

export interface WaveCheck {
  /** Every callable alert's first call to its first contact (null: some were never called). */
  lastFirstWaveAt: number | null;
  /** The first call of any later wave or round. */
  firstLaterAt: number | null;
  /** Later-wave calls that went out before the last first-wave call. */
  laterBeforeLastFirst: number;
  firstWaveCalled: number;
}

export function waves(calls: CallSeen[], callable: number): WaveCheck {
  const sorted = [...calls].sort((a, b) => a.at - b.at);
  const first = new Map<number, number>();
  const later: number[] = [];
  for (const c of sorted) {
    if (c.contact === 1 && !first.has(c.alert)) first.set(c.alert, c.at);
    else later.push(c.at);
  }
  const lastFirstWaveAt = first.size >= callable && first.size > 0 ? Math.max(...first.values()) : null;
  const lastSeen = first.size > 0 ? Math.max(...first.values()) : -Infinity;
  return {
    lastFirstWaveAt, firstLaterAt: later.length ? later[0]! : null, firstWaveCalled: first.size,
    laterBeforeLastFirst: later.filter((t) => t < lastSeen).length,
  };
}
