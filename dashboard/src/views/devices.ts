/**
 * The device health board: online / offline since when / low battery / never seen, and a device that
 * lost its seq counter ("sequence reset"), filterable by building and state. Refreshed by every
 * `device.status` event while it is shown, and by new alerts (a press may reveal a sequence reset).
 */
import { api, query } from "../api";
import { dateTime, h, mount } from "../dom";
import { place, t, type StringKey } from "../i18n";
import type { DeviceHealthRow, GridBuilding, Health } from "../types";
import { debounce, hasEvent, type View } from "./view";

const healths: Health[] = ["offline", "never_seen", "low_battery", "online"];

export function devicesView(): View {
  const buildingSel = h("select", { id: "device-building", "aria-label": t("building") });
  const healthSel = h("select", { id: "device-health", "aria-label": t("colState") },
    h("option", { value: "" }, t("allHealth")), healths.map((x) => h("option", { value: x }, t(`h_${x}` as StringKey))));
  const counts = h("div", { class: "counts" });
  const table = h("div", {});
  const el = h("section", { class: "view view-devices" },
    h("h2", {}, t("devicesTitle")), h("div", { class: "filters" }, buildingSel, healthSel), counts, table);

  const load = async () => {
    const r = await api<{ counts: Record<Health, number>; devices: DeviceHealthRow[] }>("GET",
      `/api/board/devices${query({ buildingId: buildingSel.value, health: healthSel.value })}`);
    mount(counts, healths.map((x) => h("span", { class: `badge h-${x}`, "data-health-count": x }, `${t(`h_${x}` as StringKey)} ${r.counts[x]}`)));
    // Trouble first: the devices someone has to visit are the reason this board exists.
    const rows = [...r.devices].sort((a, b) => healths.indexOf(a.health) - healths.indexOf(b.health));
    mount(table, h("table", { class: "grid-table" },
      h("thead", {}, h("tr", {}, ["colDevice", "colType", "colWhere", "colState", "colBattery", "colSeen"].map((k) => h("th", {}, t(k as StringKey))))),
      h("tbody", {}, rows.map((d) => h("tr", { class: `health-${d.health}`, "data-device-id": d.id, "data-health": d.health },
        h("td", {}, d.id), h("td", {}, t(`d_${d.type}` as StringKey)),
        h("td", {}, place(d.address)),
        h("td", {}, h("span", { class: `badge h-${d.health}` }, t(`h_${d.health}` as StringKey)),
          // it lost its seq counter once: its presses still count, but the device wants a look
          d.seqResetAt ? [" ", h("span", { class: "badge h-seq-reset", "data-seq-reset": d.seqResetAt }, t("seqReset", { t: dateTime(d.seqResetAt) }))] : null),
        h("td", {}, d.battery === null ? "—" : `${d.battery}%`),
        h("td", {}, d.health === "offline" ? t("offlineSince", { t: dateTime(d.lastSeenAt) }) : dateTime(d.lastSeenAt)),
      ))),
    ));
  };

  void api<GridBuilding[]>("GET", "/api/board/buildings").then((bs) =>
    mount(buildingSel, h("option", { value: "" }, t("allBuildings")), bs.map((b) => h("option", { value: b.id }, `${b.name} · ${b.communityName}`))));
  buildingSel.addEventListener("change", () => void load());
  healthSel.addEventListener("change", () => void load());
  const refresh = debounce(() => void load(), 300);
  void load();
  return { el, update: (c) => { if (hasEvent(c, (e) => e.type === "device.status" || e.type === "alert.created")) refresh(); } };
}
