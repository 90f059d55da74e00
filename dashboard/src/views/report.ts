/**
 * The incident report (issue 5, point 5): everything about one alert on one printable page: facts,
 * contacts' timelines, patrol, and the full audit trail with dates. Print hides the console around it.
 */
import { api } from "../api";
import { dateTime, h, mount } from "../dom";
import { place, t, type StringKey } from "../i18n";
import type { Report } from "../types";
import { deviceBlock, householdBlock, respondersBlock } from "./facts";
import { auditTrail, contactTimelines } from "./timeline";
import type { View, ViewContext } from "./view";

export function reportView(ctx: ViewContext, alertId: number): View {
  const el = h("section", { class: "view view-report", "data-alert-id": alertId });
  void api<Report>("GET", `/api/board/alerts/${alertId}/report`).then((r) => {
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
        h("div", { class: "col wide" }, h("section", { class: "box" }, h("h3", {}, t("contacts")), contactTimelines(r)))),
      h("section", { class: "box" }, h("h3", {}, t("audit")), auditTrail(r, true)),
      h("p", { class: "muted" }, t("generated", { t: dateTime(r.generatedAt) })),
    );
  }).catch((err: Error) => mount(el, h("p", { class: "error" }, err.message)));
  return { el };
}
