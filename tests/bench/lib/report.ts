/** The results: Markdown tables (stdout, README), JSON (tests/bench/results/latest.json), the SVG plot. */
import type { PhaseAnalysis, PathResult } from "./analysis";
import type { ConnectResult, GcPauses, Resources } from "./scenarios";
import type { SettleResult } from "./settle";
import { fmtMs } from "./stats";
import { latencySvg, type Panel, type Series } from "./svg";

export type Phase = PhaseAnalysis & { res: Resources; drainedMs?: number };

export interface Results {
  date: string;
  command: string;
  machine: { cpu: string; cores: number; memGiB: number; node: string; os: string };
  options: Record<string, unknown>;
  settings: Record<string, string>;
  peer?: {
    connect: ConnectResult & { res: Resources };
    rssPerConnectionKiB: number;
    quiet: Phase;
    sustained: Phase;
    storm: Phase;
  };
  helpkey: {
    connect?: ConnectResult & { res: Resources };
    rssPerDeviceKiB?: number;
    /** The same after the quiet phase: the devices at rest, the connect storm long over. */
    rssPerDeviceSettledKiB?: number;
    /** Of the RSS: the main thread's V8 heap (gateway), and the broker thread's. */
    heapPerDeviceKiB?: number;
    brokerHeapPerDeviceKiB?: number;
    /** Between the connect storm and the quiet phase: until the server gave the storm's memory back (lib/settle.ts). */
    settle?: SettleResult & { res: Resources };
    quiet?: Phase;
    sustained?: Phase;
    restart?: { downToAllMs: number; readyToAllMs: number; startupMs: number; connected: number; refused: number; res: Resources };
    storm?: Phase & { lost: number; unackedAtEnd: number; duplicateAlerts: number; pressRows: number; alertsCreated: number; twilioPendingAtEnd: number };
  };
  goals: { goal: string; value: string; met: boolean | null }[];
  notes: string[];
}

const SCEN = ["quiet", "sustained", "storm"] as const;

function ratio(ours: number | undefined, peer: number | undefined): string {
  if (!ours || !peer) return "–";
  const r = ours / peer;
  return r < 10 ? `${r.toFixed(1)}×` : `${Math.round(r)}×`;
}

function row(scenario: string, name: string, p: PathResult | undefined, hop: PathResult | undefined): string {
  const s = p?.summary;
  const h = hop?.summary;
  const rel = hop ? `${ratio(s?.p50, h?.p50)} / ${ratio(s?.p99, h?.p99)}` : "–";
  return `| ${scenario} | ${name} | ${s?.n ?? 0} | ${fmtMs(s?.p50)} | ${fmtMs(s?.p95)} | ${fmtMs(s?.p99)} | ${fmtMs(s?.max)} | ${rel} | ${p?.missing ?? "–"} |`;
}

export function markdown(r: Results): string {
  const out: string[] = [];
  out.push(`Latencies in ms. Machine: ${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.memGiB} GiB, Node ${r.machine.node}. Command: \`${r.command}\`, ${r.date}.`);
  out.push("");
  out.push("| scenario | path | n | p50 | p95 | p99 | max | × Mosquitto hop (p50 / p99) | missing |");
  out.push("|---|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const sc of SCEN) {
    const peer = r.peer?.[sc];
    const hk = r.helpkey[sc];
    if (peer) {
      out.push(row(sc, "Mosquitto: pub → sub hop", peer.hop, undefined));
      out.push(row(sc, "Mosquitto: pub → sub → echo ack", peer.ack, peer.hop));
    }
    if (hk) {
      out.push(row(sc, "**helpkey: press → ack (durable)**", hk.ack, peer?.hop));
      out.push(row(sc, "**helpkey: press → console event**", hk.console, peer?.hop));
      out.push(row(sc, "**helpkey: press → first Twilio request**", hk.twilio, peer?.hop));
      if (hk.sms) out.push(row(sc, "helpkey: press → first SMS request", hk.sms, peer?.hop));
      if (hk.call) out.push(row(sc, "helpkey: press → first call request", hk.call, peer?.hop));
    }
  }
  out.push("");
  out.push("| capacity and recovery | Mosquitto | helpkey |");
  out.push("|---|---:|---:|");
  const c = r.helpkey.connect;
  const pc = r.peer?.connect;
  const secs = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? "–" : `${(ms / 1000).toFixed(1)} s`);
  out.push(`| connect storm: all ${c?.devices ?? pc?.devices ?? "?"} devices connected (50 % / 99 % / all) | ${pc ? `${secs(pc.p50Ms)} / ${secs(pc.p99Ms)} / ${secs(pc.allMs)}` : "–"} | ${c ? `${secs(c.p50Ms)} / ${secs(c.p99Ms)} / ${secs(c.allMs)}` : "–"} |`);
  const se = r.helpkey.settle;
  if (se) out.push(`| settle before the quiet phase: the connect storm's memory given back (server RSS) | – | ${se.settled ? `after ${secs(se.waitedMs)}` : `not within ${secs(se.waitedMs)}`}: ${se.rssFromMB.toFixed(0)} → ${se.rssToMB.toFixed(0)} MB |`);
  const rs = r.helpkey.restart;
  if (rs) out.push(`| restart: server stop → all devices back (server up again after ${secs(rs.startupMs)}) | – | ${secs(rs.downToAllMs)} (${rs.connected} back) |`);
  const kib = (v: number | undefined) => (v === undefined ? "–" : `${v.toFixed(1)} KiB`);
  out.push(`| RSS per connected device (right after the connect storm) | ${r.peer ? kib(r.peer.rssPerConnectionKiB) : "–"} | ${kib(r.helpkey.rssPerDeviceKiB)} |`);
  if (r.helpkey.rssPerDeviceSettledKiB !== undefined) {
    out.push(`| RSS per connected device after the quiet phase (at rest) | – | ${kib(r.helpkey.rssPerDeviceSettledKiB)} |`);
  }
  if (r.helpkey.brokerHeapPerDeviceKiB !== undefined) {
    out.push(`| of which V8 heap: broker thread / main thread (gateway) | – | ${kib(r.helpkey.brokerHeapPerDeviceKiB)} / ${kib(r.helpkey.heapPerDeviceKiB)} |`);
  }
  const st = r.helpkey.storm;
  if (st) {
    out.push(`| storm: presses / stored / alerts created / lost (never stored) / duplicate alerts / not acked when the drain ended | ${r.peer ? `${r.peer.storm.presses} / – / – / ${r.peer.storm.hop?.missing ?? "–"} / – / ${r.peer.storm.ack.missing}` : "–"} | ${st.presses} / ${st.pressRows} / ${st.alertsCreated} / ${st.lost} / ${st.duplicateAlerts} / ${st.unackedAtEnd} |`);
  }
  for (const sc of SCEN) {
    const hk = r.helpkey[sc];
    if (hk?.created !== undefined) out.push(`| ${sc}: presses that opened an alert / joined an open one | – | ${hk.created} / ${hk.joined} |`);
  }
  out.push("");
  out.push("| phase | system | wall s | server CPU % (200 = both cores) | RSS end / peak MB | event-loop delay p50 / p99 / max ms: gateway; broker thread | GC pauses n / total / max ms: gateway; broker thread | WAL fsyncs (mean ms) | press at the gateway → committed / on disk, mean ms (share on disk after > 20 ms) | load generators CPU % | phone network + console observer CPU % |");
  out.push("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  const res = (phase: string, system: string, x: Resources | undefined) => {
    if (!x) return;
    const fmtEld = (e: Resources["eld"] | undefined) => (e ? `${fmtMs(e.p50)} / ${fmtMs(e.p99)} / ${fmtMs(e.max)}` : null);
    const eld = [fmtEld(x.eld), fmtEld(x.brokerEld)].filter((e) => e !== null).join("; ") || "–";
    const fmtGc = (g: GcPauses | null | undefined) => (g ? `${g.count} / ${g.totalMs.toFixed(0)} / ${fmtMs(g.maxMs)}` : null);
    const gc = [fmtGc(x.gc?.gateway), fmtGc(x.gc?.broker)].filter((g) => g !== null).join("; ") || "–";
    const fs = x.fsyncs ? `${x.fsyncs.count} (${fmtMs(x.fsyncs.meanMs)})` : "–";
    const over = x.press?.durableOver20msPct;
    const press = x.press && Number.isFinite(x.press.durableMs) ? `${fmtMs(x.press.committedMs)} / ${fmtMs(x.press.durableMs)}${over !== undefined && Number.isFinite(over) ? ` (${over < 0.1 ? over.toFixed(2) : over.toFixed(1)} % > 20 ms)` : ""}` : "–";
    out.push(`| ${phase} | ${system} | ${x.wallS.toFixed(1)} | ${x.cpuPct.toFixed(0)} | ${x.rssEndMB.toFixed(0)} / ${x.rssPeakMB.toFixed(0)} | ${eld} | ${gc} | ${fs} | ${press} | ${x.fleetCpuPct.toFixed(0)} | ${x.helperCpuPct !== undefined ? x.helperCpuPct.toFixed(0) : "–"} |`);
  };
  res("connect storm", "Mosquitto", r.peer?.connect.res);
  res("connect storm", "helpkey", r.helpkey.connect?.res);
  res("settle (idle)", "helpkey", r.helpkey.settle?.res);
  for (const sc of SCEN) {
    res(sc, "Mosquitto", r.peer?.[sc].res);
    res(sc, "helpkey", r.helpkey[sc]?.res);
  }
  res("restart + reconnect", "helpkey", r.helpkey.restart?.res);
  out.push("");
  out.push("| goal | measured | met |");
  out.push("|---|---|:---:|");
  for (const g of r.goals) out.push(`| ${g.goal} | ${g.value} | ${g.met === null ? "–" : g.met ? "yes" : "**no**"} |`);
  if (r.notes.length) {
    out.push("");
    for (const n of r.notes) out.push(`- ${n}`);
  }
  return out.join("\n");
}

export function goals(r: Results): Results["goals"] {
  const g: Results["goals"] = [];
  const add = (goal: string, v: number | undefined, limit: number, unit = "ms") =>
    g.push({ goal, value: v === undefined || !Number.isFinite(v) ? "not measured" : `${fmtMs(v)} ${unit}`, met: v === undefined || !Number.isFinite(v) ? null : v <= limit });
  const h = r.helpkey;
  add(`ack after durable commit p99 ≤ 20 ms at the sustained rate (outbox: ${r.settings.HK_SMS_PER_S} SMS/s, ${r.settings.HK_CALLS_PER_S} calls/s)`, h.sustained?.ack.summary?.p99, 20);
  add("quiet press → console p50 ≤ 2 ms", h.quiet?.console?.summary?.p50, 2);
  add("quiet press → console p99 ≤ 10 ms", h.quiet?.console?.summary?.p99, 10);
  add("press → first Twilio request p99 ≤ 50 ms (quiet)", h.quiet?.twilio?.summary?.p99, 50);
  if (h.storm) {
    g.push({ goal: "storm: 0 lost, 0 duplicate alerts", value: `${h.storm.lost} lost, ${h.storm.duplicateAlerts} duplicates`, met: h.storm.lost === 0 && h.storm.duplicateAlerts === 0 });
  }
  add("storm ack p99 ≤ 250 ms", h.storm?.ack.summary?.p99, 250);
  add("storm console p99 ≤ 500 ms", h.storm?.console?.summary?.p99, 500);
  // judged with the devices at rest (after the quiet phase), as a district runs between storms; the
  // figure right after the connect storm, with its garbage not yet collected, is shown beside it
  const rest = h.rssPerDeviceSettledKiB ?? h.rssPerDeviceKiB;
  if (rest === undefined || !Number.isFinite(rest)) g.push({ goal: "≤ 10 KiB RSS per connected device", value: "not measured", met: null });
  else {
    const value = h.rssPerDeviceSettledKiB === undefined ? `${rest.toFixed(1)} KiB` : `${rest.toFixed(1)} KiB at rest (${h.rssPerDeviceKiB?.toFixed(1) ?? "–"} KiB right after the connect storm)`;
    g.push({ goal: "≤ 10 KiB RSS per connected device", value, met: rest <= 10 });
  }
  add("all devices back ≤ 30 s after a restart", h.restart ? h.restart.downToAllMs / 1000 : undefined, 30, "s");
  return g;
}

export function svg(r: Results): string {
  const panels: Panel[] = SCEN.map((sc) => {
    const series: Series[] = [];
    const hk = r.helpkey[sc];
    const peer = r.peer?.[sc];
    if (hk) {
      series.push({ label: "helpkey press → ack", color: "#d62728", points: hk.ack.curve });
      if (hk.console) series.push({ label: "helpkey press → console", color: "#1f77b4", points: hk.console.curve });
      if (hk.twilio) series.push({ label: "helpkey press → Twilio request", color: "#2ca02c", points: hk.twilio.curve });
    }
    if (peer?.hop) series.push({ label: "Mosquitto pub → sub", color: "#555", dashed: true, points: peer.hop.curve });
    if (peer) series.push({ label: "Mosquitto echo ack", color: "#999", dashed: true, points: peer.ack.curve });
    const n = hk?.presses ?? peer?.presses ?? 0;
    return { title: `${sc} (${n} presses)`, series };
  });
  return latencySvg(panels, `pnpm bench — ${r.machine.cores} cores, Node ${r.machine.node}, ${r.date}. Lines: latency at each percentile (log scales).`);
}
