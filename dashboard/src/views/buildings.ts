/**
 * The building view: each building's units as columns of household cells,
 * coloured by a live alert (red; amber once claimed; green for service) or device trouble.
 * A cell with an alert opens it; any other cell picks the household for a message to its TV, and
 * each building has a button for a message to every TV in it.
 */
import { api } from "../api";
import { h, mount } from "../dom";
import { place, t, type StringKey } from "../i18n";
import type { GridBuilding, GridCell } from "../types";
import { tvMessageOf, tvPanel, type TvTarget } from "./tv-messages";
import { debounce, hasEvent, type View, type ViewContext } from "./view";

function cellClass(c: GridCell): string {
  if (c.alert) return c.alert.kind === "service" ? "cell-service" : c.alert.state === "open" ? "cell-alert" : "cell-claimed";
  return c.trouble ? `cell-${c.trouble}` : "cell-ok";
}

const legend = (): HTMLElement => h("div", { class: "legend" },
  ([["cell-alert", "legendAlert"], ["cell-claimed", "legendClaimed"], ["cell-service", "legendService"], ["cell-offline", "legendOffline"],
    ["cell-low_battery", "legendBattery"], ["cell-never_seen", "legendNever"], ["cell-ok", "legendOk"]] as const)
    .map(([cls, key]) => h("span", { class: `swatch ${cls}` }, t(key))));

export function buildingsView(ctx: ViewContext): View {
  const grid = h("div", { class: "buildings" });
  const tv = tvPanel();
  const el = h("section", { class: "view view-buildings" }, h("h2", {}, t("buildingsTitle")), legend(), h("p", { class: "muted tv-hint" }, t("tvPick")), tv.el, grid);
  let picked: number | null = null;
  const aim = (target: TvTarget) => {
    picked = target.householdId;
    grid.querySelectorAll(".cell-picked").forEach((x) => x.classList.remove("cell-picked"));
    if (picked !== null) grid.querySelector(`.cell[data-household-id="${picked}"]`)?.classList.add("cell-picked");
    tv.setTarget(target);
  };

  const cell = (b: GridBuilding, unit: string, c: GridCell) => h("button", {
    class: `cell ${cellClass(c)}${c.householdId === picked ? " cell-picked" : ""}`, "data-household-id": c.householdId, "data-room": c.room,
    title: [c.residents.join("、"), c.trouble ? t(`h_${c.trouble}` as StringKey) : ""].filter(Boolean).join(" · "),
    onclick: () => (c.alert ? ctx.go(`#/alert/${c.alert.id}`) : aim({ householdId: c.householdId, place: place({ building: b.name, unit, room: c.room }), building: { id: b.id, name: b.name } })),
  }, h("b", {}, c.room), h("small", {}, c.alert ? t(`k_${c.alert.kind}` as StringKey) : c.trouble ? t(`h_${c.trouble}` as StringKey) : c.residents[0] ?? ""));

  const load = async () => {
    const bs = await api<GridBuilding[]>("GET", "/api/board/buildings");
    mount(grid, bs.map((b) => h("article", { class: "building", "data-building-id": b.id },
      h("h3", {}, `${b.name}`, h("small", { class: "muted" }, ` · ${b.communityName}`), " ",
        h("button", { class: "btn link", "data-action": "tv-building-pick", onclick: () => aim({ householdId: null, place: null, building: { id: b.id, name: b.name } }) }, t("tvSendBuilding", { building: b.name }))),
      h("div", { class: "units" }, b.units.map((u) => h("div", { class: "unit" },
        h("div", { class: "unit-name" }, u.name),
        // Higher rooms on top, as the building stands.
        h("div", { class: "cells" }, [...u.cells].sort((x, y) => y.room.localeCompare(x.room, undefined, { numeric: true })).map((c) => cell(b, u.name, c)))))),
    )));
  };
  const refresh = debounce(() => void load(), 300);
  void load();
  return {
    el,
    update: (c) => {
      tv.update(c);
      if (hasEvent(c, (e) => e.type !== "notification.updated" && !tvMessageOf(e))) refresh();
    },
  };
}
