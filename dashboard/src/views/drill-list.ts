/**
 * Drills (#/drills): the drills of the communities this user sees, newest first, each opening its
 * report; a supervisor or an administrator starts one here (community, name, whether the families'
 * phones are part of it).
 */
import type { DrillDetail, DrillView } from "@helpkey/shared/drills";
import { api, ApiError } from "../api";
import { h, mount } from "../dom";
import { t } from "../i18n";
import { toast } from "../toast";
import { DRILLS_CHANGED } from "./drill-banner";
import { inZone } from "./drill-report";
import type { View, ViewContext } from "./view";

function startForm(ctx: ViewContext): HTMLElement {
  const community = h("select", { name: "communityId", required: true });
  const name = h("input", { name: "name", required: true, maxlength: 100, placeholder: t("drillNameHint") });
  const callFamily = h("input", { type: "checkbox", name: "callFamily" });
  const form = h("form", { class: "filters drill-start", id: "drill-start" },
    h("label", {}, h("span", {}, t("drillCommunity")), community),
    h("label", {}, h("span", {}, t("drillName")), name),
    h("label", { class: "check" }, callFamily, h("span", {}, t("drillCallFamily"))),
    h("button", { class: "btn primary", type: "submit" }, t("drillStart")));
  void api<{ id: number; name: string }[]>("GET", "/api/communities?limit=500").then((cs) => {
    for (const c of cs) community.append(h("option", { value: c.id }, c.name));
  }).catch(() => undefined);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void api<DrillDetail>("POST", "/api/drills", { communityId: Number(community.value), name: name.value.trim(), callFamily: callFamily.checked }).then((d) => {
      window.dispatchEvent(new Event(DRILLS_CHANGED));
      toast(t("drillStartedToast", { name: d.name }));
      ctx.go(`#/drills/${d.id}`);
    }).catch((err: unknown) => toast(err instanceof ApiError ? err.message : String(err), "error"));
  });
  return form;
}

export function drillListView(ctx: ViewContext): View {
  const list = h("div", { class: "results" });
  const lead = ctx.me.role === "admin" || ctx.me.role === "supervisor";
  const el = h("section", { class: "view view-drills" }, h("h2", {}, t("drillsTitle")), lead ? startForm(ctx) : null, list);
  void api<DrillView[]>("GET", "/api/drills?limit=100").then((drills) => mount(list, drills.length
    ? h("table", { class: "grid-table", id: "drill-list" },
      h("thead", {}, h("tr", {}, [t("drillName"), t("drillCommunity"), t("drillColStarted"), t("drillColBy"), t("drillColFamily"), t("colState")].map((x) => h("th", {}, x)))),
      h("tbody", {}, drills.map((d) => h("tr", { class: "hit", "data-drill-id": d.id, onclick: () => ctx.go(`#/drills/${d.id}`) },
        h("td", {}, h("a", { href: `#/drills/${d.id}` }, d.name)), h("td", {}, d.communityName), h("td", {}, inZone(d.startedAt, d.timeZone)),
        h("td", {}, d.startedBy), h("td", {}, t(d.callFamily ? "drillFamilyYes" : "drillFamilyNo")),
        h("td", { class: d.running ? "drill-running" : "" }, t(d.running ? "drillRunning" : "drillEndedState"))))))
    : h("p", { class: "empty" }, t("drillNone"))))
    .catch((err: unknown) => mount(list, h("p", { class: "error" }, err instanceof ApiError ? err.message : String(err))));
  return { el };
}
