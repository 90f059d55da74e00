/**
 * Reads samples from the gateway's /metrics. A metric the scrape no longer exports fails the test (a renamed
 * or dropped metric must not read as 0); within an exported metric, a label set never touched is 0, because
 * Prometheus clients export a labelled series only once it has been counted or set.
 */
export type Labels = Record<string, string>;

export class MissingMetricError extends Error {}

function parseLabels(text: string): Labels {
  const out: Labels = {};
  for (const m of text.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** The value of `name` with these labels in one scrape's text. */
export function sampleOf(text: string, name: string, labels: Labels = {}): number {
  const family = name.replace(/_(count|sum|bucket)$/, "");
  if (!new RegExp(`^# TYPE (${name}|${family}) `, "m").test(text)) throw new MissingMetricError(`metric ${name} is not exported`);
  const wanted = Object.entries(labels);
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = parseLabels(m[2] ?? "");
    if (wanted.every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  if (wanted.length === 0) throw new MissingMetricError(`metric ${name} has no sample`);
  return 0;
}

export async function scrape(httpUrl: string): Promise<string> {
  const res = await fetch(`${httpUrl}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

export async function metric(httpUrl: string, name: string, labels: Labels = {}): Promise<number> {
  return sampleOf(await scrape(httpUrl), name, labels);
}
