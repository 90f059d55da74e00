/** Latency summaries: nearest-rank percentiles over the samples, in ms. */

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: number[]): Summary | null {
  if (values.length === 0) return null;
  const v = Float64Array.from(values).sort();
  const at = (q: number) => v[Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1))]!;
  let sum = 0;
  for (const x of v) sum += x;
  return { n: v.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: v[v.length - 1]!, mean: sum / v.length };
}

/** Points of the empirical distribution for plotting: `points` quantiles spread on a log scale of the tail. */
export function quantileCurve(values: number[], points = 60): [number, number][] {
  if (values.length === 0) return [];
  const v = Float64Array.from(values).sort();
  const out: [number, number][] = [];
  for (let i = 0; i < points; i++) {
    // from p0 to p99.9 with more points near the tail: q = 1 − 10^(−3·i/(points−1))
    const q = 1 - 10 ** (-3 * (i / (points - 1)));
    out.push([q, v[Math.min(v.length - 1, Math.floor(q * v.length))]!]);
  }
  out.push([1, v[v.length - 1]!]);
  return out;
}

export function fmtMs(x: number | undefined | null): string {
  if (x === undefined || x === null || !Number.isFinite(x)) return "–";
  if (x < 10) return x.toFixed(2);
  if (x < 100) return x.toFixed(1);
  return Math.round(x).toLocaleString("en-US");
}
