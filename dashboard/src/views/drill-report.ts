/**
 * A drill's report (#/drills/12): the summary per step (target, met, missed, median, worst), then one
 * row per alarm with each step's time in the community's time zone, how long after the press, and
 * met or missed. While the drill runs it is the report so far, refreshed as its alarms change, and
 * a supervisor can end the drill here. Printable; the same report as JSON is one link away.
 */
import type { DrillDetail, DrillReportRow, DrillStep, DrillStepTime } from "@helpkey/shared/drills";
import { api, ApiError } from "../api";
import { h, mount } from "../dom";
import { place, t, type StringKey } from "../i18n";
import { toast } from "../toast";
import { DRILLS_CHANGED } from "./drill-banner";
import { debounce, type View, type ViewContext } from "./view";

/** The steps in the report's order (the shared module holds schemas: the console takes its types only). */
const drillSteps: readonly DrillStep[] = ["ack", "console", "firstCall", "claim", "arrival"];

/** "320 ms", "12.4 s", "3:07": a step's time after the press. */
function duration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** An epoch time as the community's clock reads it: 2026-12-06 10:02:03. */
export function inZone(ts: number | null, timeZone: string): string {
  if (ts === null) return "—";
  const p = Object.fromEntries(new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })
    .formatToParts(ts).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

const resultKey: Record<DrillStepTime["result"], StringKey> = { met: "drillMet", missed: "drillMissed", skipped: "drillSkipped", pending: "drillPending" };
const resultText = (r: DrillStepTime["result"]) => t(resultKey[r]);
const stepName = (s: DrillStep) => t(`st_${s}` as StringKey);

function stepCell(s: DrillStepTime): HTMLElement {
  // the local ISO time's clock part: already in the community's zone
  return h("td", { class: `step result-${s.result}`, "data-result": s.result },
    h("div", {}, s.local ? s.local.slice(11, 19) : "—"),
    h("small", {}, s.ms === null ? resultText(s.result) : `+${duration(s.ms)} · ${resultText(s.result)}`),
    s.by ? h("div", { class: "muted" }, s.by) : null);
}

function rowsTable(rows: DrillReportRow[]): HTMLElement {
  return h("table", { class: "grid-table drill-rows", id: "drill-rows" },
    h("thead", {}, h("tr", {}, [t("drillAlarm"), t("colWhere"), t("drillPress"), ...drillSteps.map(stepName)].map((x) => h("th", {}, x)))),
    h("tbody", {}, rows.map((r) => h("tr", { "data-alert-id": r.alertId },
      h("td", {}, h("a", { href: `#/alert/${r.alertId}` }, `#${r.alertId}`), " ", t(`k_${r.kind}` as StringKey)),
      h("td", {}, place(r.address)),
      h("td", {}, r.press.local.slice(11, 19), r.press.source === "gateway" ? h("div", { class: "muted" }, t("drillSystemTime")) : null),
      drillSteps.map((s) => stepCell(r.steps[s]))))));
}

function summaryTable(d: DrillDetail): HTMLElement {
  const { targets, summary } = d.report;
  const targetMs: Record<DrillStep, number> = { ack: targets.ackMs, console: targets.consoleMs, firstCall: targets.firstCallS * 1000, claim: targets.claimS * 1000, arrival: targets.arrivalS * 1000 };
  return h("table", { class: "grid-table drill-summary", id: "drill-summary" },
    h("thead", {}, h("tr", {}, ["", t("drillTarget"), t("drillMet"), t("drillMissed"), t("drillPending"), t("drillSkipped"), t("drillMedian"), t("drillWorst")].map((x) => h("th", {}, x)))),
    h("tbody", {}, drillSteps.map((s) => {
      const x = summary.steps[s];
      return h("tr", { "data-step": s, class: x.missed ? "has-missed" : "" },
        h("th", {}, stepName(s)), h("td", {}, `≤ ${duration(targetMs[s])}`), h("td", {}, String(x.met)), h("td", { class: x.missed ? "result-missed" : "" }, String(x.missed)),
        h("td", {}, String(x.pending)), h("td", {}, String(x.skipped)), h("td", {}, duration(x.medianMs)), h("td", {}, duration(x.worstMs)));
    })));
}

export function drillReportView(ctx: ViewContext, drillId: number): View {
  const el = h("section", { class: "view view-drill-report", "data-drill-id": drillId });
  let running = false;
  const lead = ctx.me.role === "admin" || ctx.me.role === "supervisor";
  const end = async (d: DrillDetail) => {
    if (!confirm(t("drillConfirmEnd", { name: d.name }))) return;
    try {
      render(await api<DrillDetail>("POST", `/api/drills/${d.id}/end`));
      window.dispatchEvent(new Event(DRILLS_CHANGED));
      toast(t("drillEnded"));
    } catch (err) {
      toast(err instanceof ApiError ? err.message : String(err), "error");
    }
  };
  const render = (d: DrillDetail) => {
    running = d.running;
    const r = d.report;
    mount(el,
      h("div", { class: "no-print toolbar" },
        h("button", { class: "btn", onclick: () => ctx.go("#/drills") }, t("drillsTitle")),
        running && lead ? h("button", { class: "btn danger", id: "drill-end", onclick: () => void end(d) }, t("drillEnd")) : null,
        h("a", { class: "btn link", href: `/api/drills/${d.id}`, target: "_blank", rel: "noopener", id: "drill-json" }, t("drillJson")),
        h("button", { class: "btn primary", onclick: () => window.print() }, t("aPrint"))),
      h("h1", {}, t("drillReportTitle", { name: d.name })),
      h("p", { class: "drill-facts" },
        `${d.communityName} · `, t("drillStartedBy", { t: inZone(d.startedAt, d.timeZone), by: d.startedBy }),
        d.endedAt ? ` · ${t("drillEndedAt", { t: inZone(d.endedAt, d.timeZone) })}` : "",
        ` · ${t(d.callFamily ? "drillFamilyYes" : "drillFamilyNo")} · ${t("drillTimeZone", { tz: d.timeZone })}`),
      h("p", { class: `drill-state ${r.final ? "final" : "so-far"}`, id: "drill-state" }, r.final ? t("drillFinal", { t: inZone(r.generatedAt, d.timeZone) }) : t("drillSoFar")),
      r.summary.alarms === 0 ? null : h("p", { class: r.summary.allMet ? "drill-verdict ok" : "drill-verdict missed", id: "drill-verdict" },
        t("drillAlarms", { n: r.summary.alarms }), " · ", t(r.summary.allMet ? "drillAllMet" : "drillSomeMissed")),
      summaryTable(d),
      r.rows.length ? rowsTable(r.rows) : h("p", { class: "empty" }, t("drillNoAlarms")),
      r.truncated ? h("p", { class: "muted" }, t("drillTruncated", { n: r.rows.length })) : null,
    );
  };
  const load = () => void api<DrillDetail>("GET", `/api/drills/${drillId}`).then(render)
    .catch((err: unknown) => mount(el, h("p", { class: "error" }, err instanceof ApiError ? err.message : String(err))));
  const reload = debounce(load, 1000);
  load();
  return {
    el,
    // the report so far follows the drill's alarms as they change
    update: (c) => running && c.events.some((e) => e.alert?.drillId === drillId) && reload(),
  };
}
