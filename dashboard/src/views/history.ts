/**
 * History: search every alert by date, building, household (room or resident
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

/**
 * A day as people of both languages write it, year first (2026-12-07, 2026/12/7, 2026年12月7日), or
 * null. A text field, not <input type=date>: the browser draws that in its own UI locale (mm/dd/yyyy
 * on an English Chromium) whatever the page's language.
 */
export function isoDay(v: string): string | null {
  const m = /^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$/.exec(v);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(y, mo - 1, d);
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** A date field's day at local midnight, as epoch ms. */
const dayStart = (v: string) => {
  const day = isoDay(v);
  return day ? new Date(`${day}T00:00:00`).getTime() : undefined;
};

function dateField(): HTMLInputElement {
  const el = h("input", { type: "text", inputmode: "numeric", autocomplete: "off", class: "date-field", placeholder: t("datePlaceholder"), maxlength: 12 });
  el.addEventListener("input", () => el.setCustomValidity(el.value.trim() && !isoDay(el.value) ? t("dateInvalid") : ""));
  // shown back the way both languages read it unambiguously
  el.addEventListener("change", () => isoDay(el.value) && (el.value = isoDay(el.value)!));
  return el;
}

export function historyView(ctx: ViewContext, params: URLSearchParams): View {
  const field = (name: string, el: HTMLInputElement | HTMLSelectElement) => {
    el.name = name;
    el.value = params.get(name) ?? "";
    return h("label", {}, h("span", {}, t(({ from: "from", to: "to", buildingId: "building", q: "roomOrName", kind: "colKind", outcome: "colOutcome" } as Record<string, StringKey>)[name]!)), el);
  };
  const from = dateField();
  const to = dateField();
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
