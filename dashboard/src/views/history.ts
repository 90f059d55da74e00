/**
 * History (issue 5, point 5): search every alert by date, building, household (room or resident
 * name), kind and outcome; each row opens its incident report. The filters live in the URL hash,
 * so a search can be bookmarked or handed to the next shift.
 */
import type { AlertView } from "@helpkey/shared";
import { api, query } from "../api";
import { dateTime, h, mount } from "../dom";
import { place, t, type StringKey } from "../i18n";
import type { GridBuilding } from "../types";
import type { View, ViewContext } from "./view";

const kinds = ["emergency", "medical", "fire", "intrusion", "service"];
const outcomeList = ["real", "false_alarm", "test"];

/** A date input's value at local midnight, as epoch ms. */
const dayStart = (v: string) => (v ? new Date(`${v}T00:00:00`).getTime() : undefined);

export function historyView(ctx: ViewContext, params: URLSearchParams): View {
  const field = (name: string, el: HTMLInputElement | HTMLSelectElement) => {
    el.name = name;
    el.value = params.get(name) ?? "";
    return h("label", {}, h("span", {}, t(({ from: "from", to: "to", buildingId: "building", q: "roomOrName", kind: "colKind", outcome: "colOutcome" } as Record<string, StringKey>)[name]!)), el);
  };
  const from = h("input", { type: "date" });
  const to = h("input", { type: "date" });
  const building = h("select", {}, h("option", { value: "" }, t("allBuildings")));
  const q = h("input", { type: "search", placeholder: t("roomOrName") });
  const kind = h("select", {}, h("option", { value: "" }, t("anyKind")), kinds.map((k) => h("option", { value: k }, t(`k_${k}` as StringKey))));
  const outcome = h("select", {}, h("option", { value: "" }, t("anyOutcome")), outcomeList.map((o) => h("option", { value: o }, t(`o_${o}` as StringKey))));
  const results = h("div", { class: "results" });
  const form = h("form", { class: "filters", id: "history-form" },
    field("from", from), field("to", to), field("buildingId", building), field("q", q), field("kind", kind), field("outcome", outcome),
    h("button", { class: "btn primary", type: "submit" }, t("aSearch")));
  const el = h("section", { class: "view view-history" }, h("h2", {}, t("historyTitle")), form, results);

  const search = async () => {
    const toDay = dayStart(to.value);
    const list = await api<AlertView[]>("GET", `/api/board/history${query({
      from: dayStart(from.value), to: toDay === undefined ? undefined : toDay + 86_400_000,
      buildingId: building.value, q: q.value.trim(), kind: kind.value, outcome: outcome.value,
    })}`);
    mount(results, list.length ? h("table", { class: "grid-table" },
      h("thead", {}, h("tr", {}, ["#", t("firstPress"), t("colKind"), t("colWhere"), t("colResidents"), t("colState"), t("colOutcome")].map((x) => h("th", {}, x)))),
      h("tbody", {}, list.map((a) => h("tr", { class: "hit", "data-alert-id": a.id, onclick: () => ctx.go(`#/report/${a.id}`) },
        h("td", {}, h("a", { href: `#/report/${a.id}` }, `#${a.id}`)), h("td", {}, dateTime(a.firstPressAt)),
        h("td", {}, t(`k_${a.kind}` as StringKey)), h("td", {}, place(a.address)),
        h("td", {}, a.residents.join("、")), h("td", {}, t(`s_${a.state}` as StringKey)),
        h("td", {}, a.outcome ? t(`o_${a.outcome}` as StringKey) : "—"))))) : h("p", { class: "empty" }, t("noResults")));
  };

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    new FormData(form).forEach((v, k) => v && p.set(k, String(v)));
    history.replaceState(null, "", `#/history${p.size ? `?${p}` : ""}`);
    void search();
  });
  void api<GridBuilding[]>("GET", "/api/board/buildings").then((bs) => {
    for (const b of bs) building.append(h("option", { value: b.id }, `${b.name} · ${b.communityName}`));
    building.value = params.get("buildingId") ?? "";
    void search();
  });
  return { el };
}
