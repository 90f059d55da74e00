/**
 * The district command centre's page (辖区指挥中心): first, loud, the alarms a community has not
 * claimed in time ("escalated to the district", with the console's alarm sound); then per district
 * and community the open and live alarms, the oldest open one, devices offline and today's answer
 * times. Refreshed on every alert event (debounced) and every 10 s; ages tick with each render.
 */
import type { AlertView, DistrictCommunityRow, DistrictDashboard } from "@helpkey/shared";
import { age, clock, h, mount } from "../dom";
import { escalatedAt, escalatedOpen, loadEscalations } from "../escalations";
import { place, t } from "../i18n";
import { store, type Change } from "../store";
import { kindIcon } from "./kind-icon";
import { debounce, type View, type ViewContext } from "./view";

const REFRESH_MS = 10_000;

const seconds = (s: number | null) => (s === null ? "—" : age(s * 1000));

function escalatedCard(ctx: ViewContext, a: AlertView, now: number): HTMLElement {
  const at = escalatedAt(a.id);
  const open = () => ctx.go(`#/alert/${a.id}`);
  return h("div", { class: `card kind-${a.kind} state-open age-red needs`, "data-escalated-alert-id": a.id, role: "button", tabindex: 0, onclick: open },
    h("div", { class: "card-icon" }, kindIcon(a.kind)),
    h("div", { class: "card-kind" }, t(`k_${a.kind}`), h("div", { class: "muted" }, a.address.community)),
    h("div", {}, h("h2", {}, place(a.address)), h("div", { class: "muted" },
      a.residents.join(", "), a.residents.length ? " · " : "", t("dFirstPress", { t: clock(a.firstPressAt) }), at ? [" · ", t("dEscalatedAt", { t: clock(at) })] : null)),
    h("div", { class: "card-age" }, h("small", {}, t("ageLabel")), h("b", {}, age(now - a.firstPressAt))),
    h("div", { class: "card-actions" }, h("button", { class: "btn primary", onclick: (e: Event) => (e.stopPropagation(), open()) }, t("aOpen"))));
}

function communityRow(c: DistrictCommunityRow, now: number): HTMLElement {
  const oldest = c.oldestOpen;
  return h("tr", { "data-community-id": c.communityId, class: c.escalatedOpen > 0 ? "health-offline" : "" },
    h("td", {}, c.name),
    h("td", { "data-col": "open" }, h("b", {}, c.openAlerts)),
    h("td", { "data-col": "active" }, c.activeAlerts),
    h("td", { "data-col": "oldest" }, oldest ? `${age(now - oldest.firstPressAt)} (${clock(oldest.firstPressAt, false)})` : "—"),
    h("td", { "data-col": "escalated" }, c.escalatedOpen > 0 ? h("span", { class: "badge h-offline" }, c.escalatedOpen) : "0"),
    h("td", { "data-col": "offline" }, c.devicesOffline),
    h("td", { "data-col": "answer" }, c.today.answered === 0 ? "—" : t("dAnswerTimes", { median: seconds(c.today.medianS), p90: seconds(c.today.p90S), n: c.today.answered })),
  );
}

export function districtView(ctx: ViewContext): View {
  const banner = h("div", { class: "phone-banner down district-banner", id: "district-escalated-banner", hidden: true, role: "alert" });
  const escalatedList = h("div", { class: "lane-list", id: "district-escalated" });
  const body = h("div", { id: "district-communities" });
  const status = h("p", { class: "muted" });
  const el = h("section", { class: "view view-district" }, h("h2", {}, t("dTitle")), banner, escalatedList, body, status);
  let data: DistrictDashboard | null = null;

  const render = () => {
    const now = Date.now();
    // the live store says which escalations are still unclaimed; the dashboard fills in those it missed
    const live = escalatedOpen(store.queue());
    const seen = new Set(live.map((a) => a.id));
    const extra = (data?.escalated ?? []).map((e) => e.alert).filter((a) => !seen.has(a.id) && !store.alerts.has(a.id));
    const loud = [...live, ...extra];
    banner.hidden = loud.length === 0;
    mount(banner, t("dEscalatedBanner", { n: loud.length }));
    mount(escalatedList, loud.map((a) => escalatedCard(ctx, a, now)));
    if (!data) return;
    mount(body, data.districts.length === 0 ? h("p", { class: "empty" }, t("dNone")) : data.districts.map((d) =>
      h("div", { class: "district", "data-district-id": d.id },
        h("h3", {}, d.name, d.phone ? h("span", { class: "muted" }, ` · ${d.phone}`) : null),
        d.communities.length === 0 ? h("p", { class: "muted" }, t("dNoCommunities")) : h("table", { class: "grid-table" },
          h("thead", {}, h("tr", {}, (["dCommunity", "dOpen", "dActive", "dOldest", "dEscalated", "dOffline", "dAnswer"] as const).map((k) => h("th", {}, t(k))))),
          h("tbody", {}, d.communities.map((c) => communityRow(c, now)))))));
    mount(status, t("dUpdated", { t: clock(data.generatedAt) }));
  };

  const load = async () => {
    const d = await loadEscalations(store.alerts);
    if (d) data = d;
    else mount(status, t("dLoadFailed"));
    render();
  };
  const refresh = debounce(() => void load(), 500);
  const timer = setInterval(() => void load(), REFRESH_MS);
  void load();
  return {
    el,
    update: (c: Change) => {
      if (c.full || c.events.some((e) => e.type.startsWith("alert.") || e.type === "device.status")) refresh();
      else render();
    },
    destroy: () => clearInterval(timer),
  };
}
