/**
 * The incident report: everything about one alert on one printable page: facts, one row per person
 * reached (how often texted and called, what came of it, each attempt), patrol, and the audit trail
 * with dates, without the routine delivery steps the contact table already tells. Print hides the
 * console around it.
 */
import { api, ApiError } from "../api";
import { clock, dateTime, h, mount } from "../dom";
import { currentLang, place, t, type StringKey } from "../i18n";
import type { PersonSummary } from "@helpkey/shared";
import type { Report } from "../types";
import { deviceBlock, householdBlock, respondersBlock } from "./facts";
import { relationName } from "./resident-card";
import { auditTrail } from "./timeline";
import type { View, ViewContext } from "./view";

type FullReport = Report & { people: PersonSummary[] };

const status = (s: string) => (s ? t(`p_${s}` as StringKey) : "—");
const channel = (a: { channel: string; purpose: string }) =>
  t(`ch_${a.channel}` as StringKey) + (a.purpose === "alarm" || a.purpose === "call" ? "" : currentLang() === "zh-CN" ? `（${t(`pur_${a.purpose}` as StringKey)}）` : ` (${t(`pur_${a.purpose}` as StringKey)})`);

function peopleTable(r: FullReport): HTMLElement {
  return h("table", { class: "grid-table people", id: "report-people" },
    h("thead", {}, h("tr", {}, [t("colContact"), t("colChannel"), t("colOutcome"), t("colAttempts")].map((x) => h("th", {}, x)))),
    h("tbody", {}, r.people.map((p) => h("tr", { class: "person", "data-contact-id": p.contactId ?? "", "data-result": p.result },
      h("td", {}, h("b", {}, p.name), p.relation ? ` · ${relationName(p.relation)}` : "", p.phone ? h("div", { class: "muted" }, p.phone) : null),
      h("td", {}, [p.sms ? `${t("ch_sms")} ${p.sms}` : "", p.calls ? `${t("ch_call")} ${p.calls}` : ""].filter(Boolean).join(" · ") || t("noNotifications")),
      h("td", {}, status(p.result), p.lastAt ? h("small", { class: "muted" }, ` ${clock(p.lastAt)}`) : null),
      h("td", { class: "attempts" }, p.attempts.map((a) => h("span", { class: "attempt", "data-status": a.status }, `${channel(a)} ${status(a.status)} ${clock(a.at)}`))),
    ))));
}

/** A notification step belongs in the trail only when someone acted on it (a key, a failure, a patrol sent). */
const inTrail = (e: Report["trail"][number]) =>
  !e.notification || e.notification.status.startsWith("pressed") || e.notification.status === "failed" || (e.notification.purpose === "patrol" && e.notification.status === "queued");

export function reportView(ctx: ViewContext, alertId: number): View {
  const el = h("section", { class: "view view-report", "data-alert-id": alertId });
  void api<FullReport>("GET", `/api/board/alerts/${alertId}/report`).then((r) => {
    const a = r.alert;
    mount(el,
      h("div", { class: "no-print toolbar" },
        h("button", { class: "btn", onclick: () => ctx.go(`#/alert/${alertId}`) }, t("aOpen")),
        h("button", { class: "btn primary", id: "print", onclick: () => window.print() }, t("aPrint"))),
      h("h1", {}, `${t("reportTitle")} #${a.id} — ${t(`k_${a.kind}` as StringKey)}`),
      h("table", { class: "facts" }, h("tbody", {},
        [[t("address"), `${a.address.community} · ${place(a.address)}`],
          [t("firstPress"), dateTime(a.firstPressAt)],
          [t("state"), `${t(`s_${a.state}` as StringKey)}${a.outcome ? ` · ${t(`o_${a.outcome}` as StringKey)}` : ""}${a.closedAt ? ` · ${dateTime(a.closedAt)}` : ""}`],
          [t("ackedBy"), a.acknowledgedBy ? `${a.acknowledgedBy} · ${dateTime(a.acknowledgedAt)}` : "—"],
          [t("pressCount"), String(a.pressCount)],
          [t("note"), a.note ?? "—"]].map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v))))),
      h("div", { class: "cols" }, h("div", { class: "col" }, householdBlock(r), deviceBlock(r), respondersBlock(r)),
        h("div", { class: "col wide" }, h("section", { class: "box" }, h("h3", {}, t("contacts")), peopleTable(r)))),
      h("section", { class: "box" }, h("h3", {}, t("audit")), auditTrail({ ...r, trail: r.trail.filter(inTrail) }, true)),
      h("p", { class: "muted" }, t("generated", { t: dateTime(r.generatedAt) })),
    );
  }).catch((err: unknown) => mount(el, h("p", { class: "error" }, err instanceof ApiError ? err.message : String(err))));
  return { el };
}
