/**
 * The latency plot (docs/bench/latency.svg), written by hand: one panel per scenario, each a
 * quantile curve per measured path on log–log axes (x: the "nines" of the percentile, y: ms).
 */
import { fmtMs } from "./stats";

export interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  /** [quantile 0..1, ms] */
  points: [number, number][];
}

export interface Panel {
  title: string;
  series: Series[];
}

const W = 380;
const H = 300;
/** The legend goes under the plot, one row per series, so no line runs through it. */
const LEGEND_ROW = 13;
const M = { l: 52, r: 12, t: 30, b: 42 };

/** x position of a quantile: 0 → p0, 1 → p90, 2 → p99, 3 → p99.9 (max drawn at 3.2). */
function nines(q: number): number {
  return q >= 1 ? 3.2 : Math.min(3, -Math.log10(1 - q));
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function panel(p: Panel, ox: number, yMin: number, yMax: number): string {
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const x = (q: number) => ox + M.l + (nines(q) / 3.2) * pw;
  const ly0 = Math.log10(yMin);
  const ly1 = Math.log10(yMax);
  const y = (ms: number) => M.t + ph - ((Math.log10(Math.max(ms, yMin)) - ly0) / (ly1 - ly0)) * ph;
  const out: string[] = [];
  out.push(`<text x="${ox + M.l + pw / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`);
  out.push(`<rect x="${ox + M.l}" y="${M.t}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  for (let e = Math.ceil(ly0); e <= Math.floor(ly1); e++) {
    const v = 10 ** e;
    out.push(`<line x1="${ox + M.l}" x2="${ox + M.l + pw}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${ox + M.l - 4}" y="${y(v) + 4}" text-anchor="end">${fmtMs(v)}</text>`);
  }
  for (const [q, label] of [[0, "p0"], [0.9, "p90"], [0.99, "p99"], [0.999, "p99.9"], [1, "max"]] as const) {
    out.push(`<line x1="${x(q)}" x2="${x(q)}" y1="${M.t}" y2="${M.t + ph}" stroke="#eee"/>`);
    // p99.9 and max are 20 px apart: max's label goes a row lower, ending at its line
    const max = q === 1;
    out.push(`<text x="${x(q)}" y="${M.t + ph + (max ? 26 : 14)}" text-anchor="${max ? "end" : "middle"}">${label}</text>`);
  }
  out.push(`<text x="${ox + M.l + pw / 2}" y="${H - 8}" text-anchor="middle" fill="#555">percentile</text>`);
  out.push(`<text x="${ox + 12}" y="${M.t + ph / 2}" text-anchor="middle" fill="#555" transform="rotate(-90 ${ox + 12} ${M.t + ph / 2})">ms (log)</text>`);
  p.series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const d = s.points.map(([q, v], j) => `${j ? "L" : "M"}${x(q).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/>`);
    out.push(`<text x="${ox + M.l}" y="${H + 10 + i * LEGEND_ROW}" fill="${s.color}">${s.dashed ? "- - " : "— "}${esc(s.label)}</text>`);
  });
  return out.join("\n");
}

export function latencySvg(panels: Panel[], caption: string): string {
  const all = panels.flatMap((p) => p.series.flatMap((s) => s.points.map(([, v]) => v))).filter((v) => v > 0);
  const yMin = 10 ** Math.floor(Math.log10(Math.max(0.01, Math.min(...all, 1))));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...all, 10)));
  const width = W * panels.length;
  const legendH = Math.max(0, ...panels.map((p) => p.series.length)) * LEGEND_ROW;
  const body = panels.map((p, i) => panel(p, i * W, yMin, yMax)).join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H + legendH + 26}" viewBox="0 0 ${width} ${H + legendH + 26}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
${body}
<text x="8" y="${H + legendH + 18}" fill="#555">${esc(caption)}</text>
</svg>
`;
}
