/**
 * Who else helps a community's households: its grids (网格) with their grid workers, and the help
 * groups of its buildings and units with their members. Administrators add and remove help groups
 * and their members; supervisors read both.
 */
import { api } from "../api";
import { h, mount } from "../dom";
import { t } from "../i18n";
import { fetchAll, pagedList } from "../paged";
import { adminForm } from "./admin-form";
import { langName } from "./admin-household-forms";
import { failureText } from "./admin-http";
import { helpGroupCard, type HelpGroup } from "./admin-help-group";
import { keepInUrl, placePicker, type Building, type Unit } from "./admin-places";
import type { View, ViewContext } from "./view";

interface Grid {
  id: number; communityId: number; name: string; buildingIds: number[]; unitIds: number[]; householdIds: number[];
  workers: { id: number; name: string; phone: string; language: "zh-CN" | "en" }[];
}

export function adminGroups(ctx: ViewContext, params: URLSearchParams): View {
  const admin = ctx.me.role === "admin";
  const picker = placePicker({ depth: 1, params });
  const grids = h("div", { id: "grids", class: "group-list" });
  const groups = h("div", { id: "help-groups", class: "group-list" });
  const formSlot = h("div", {});
  let buildings: Building[] = [];
  let units: (Unit & { building: string })[] = [];
  const buildingName = (id: number) => buildings.find((b) => b.id === id)?.name ?? `#${id}`;
  const unitName = (id: number) => {
    const u = units.find((x) => x.id === id);
    return u ? `${u.building} ${u.name}` : `#${id}`;
  };
  const placeName = (g: HelpGroup) => (g.scope === "building" ? buildingName(g.refId) : unitName(g.refId));

  const paged = pagedList<HelpGroup>(groups, (gs) => gs.map((g) => helpGroupCard(g, { admin, placeName, removed: () => undefined })),
    { limit: 50, empty: () => (picker.picked().communityId ? t("adNoGroups") : t("adPickPlace")) });

  const gridCard = (g: Grid) => h("article", { class: "box grid-card", "data-grid-id": g.id },
    h("h3", {}, g.name),
    h("p", { class: "muted" }, [
      g.buildingIds.length ? t("adGridBuildings", { names: g.buildingIds.map(buildingName).join("、") }) : null,
      g.unitIds.length ? t("adGridUnits", { names: g.unitIds.map(unitName).join("、") }) : null,
      g.householdIds.length ? t("adGridHouseholds", { n: g.householdIds.length }) : null,
    ].filter(Boolean).join(" · ")),
    g.workers.length
      ? h("ul", { class: "workers" }, g.workers.map((w) => h("li", { "data-worker-id": w.id }, `${w.name} · `, h("span", { class: "phone" }, w.phone), ` · ${langName(w.language)}`)))
      : h("p", { class: "muted" }, t("adNoWorkers")));

  const load = async (communityId: number | null) => {
    mount(formSlot, "");
    mount(grids, "");
    if (!communityId) return paged.load(null);
    buildings = await fetchAll<Building>(`/api/buildings?communityId=${communityId}`);
    const perBuilding = await Promise.all(buildings.map((b) => fetchAll<Unit>(`/api/units?buildingId=${b.id}`).then((us) => us.map((u) => ({ ...u, building: b.name })))));
    units = perBuilding.flat();
    const [gs] = await Promise.all([
      api<Grid[]>("GET", `/api/grids?communityId=${communityId}`).catch((err: unknown) => failureText(err)),
      paged.load(`/api/help-groups?communityId=${communityId}`),
    ]);
    mount(grids, typeof gs === "string" ? h("p", { class: "error" }, gs) : gs.length ? gs.map(gridCard) : h("p", { class: "muted" }, t("adNoGrids")));
  };

  const add = admin ? h("button", { class: "btn", type: "button", id: "add-group", onclick: () => {
    const communityId = picker.picked().communityId;
    if (!communityId) return;
    mount(formSlot, adminForm({
      id: "new-group", submit: "adCreate", onCancel: () => mount(formSlot, ""),
      fields: [
        { name: "name", label: "adPlaceName", required: true },
        { name: "scope", label: "adBoundTo", kind: "select", options: [["unit", t("adUnit")], ["building", t("building")]], value: "unit" },
        { name: "buildingRef", label: "building", kind: "select", options: buildings.map((b) => [String(b.id), b.name] as const), showIf: (v) => v.scope === "building", required: true },
        { name: "unitRef", label: "adUnit", kind: "select", options: units.map((u) => [String(u.id), `${u.building} ${u.name}`] as const), showIf: (v) => v.scope === "unit", required: true },
      ],
      onSubmit: async (v) => {
        const refId = Number(v.scope === "building" ? v.buildingRef : v.unitRef);
        await api("POST", "/api/help-groups", { communityId, name: v.name, scope: v.scope, refId });
        mount(formSlot, "");
        await paged.load(`/api/help-groups?communityId=${communityId}`);
      },
    }));
  } }, `+ ${t("adAddGroup")}`) : null;

  picker.onChange((p) => {
    if (add) add.disabled = !p.communityId;
    keepInUrl("admin-groups", p);
    void load(p.communityId);
  });

  return {
    el: h("section", { class: "view admin-groups" },
      picker.el,
      h("h3", {}, t("adGrids")), grids,
      h("h3", {}, t("adHelpGroups"), " ", add), formSlot, groups, paged.el),
  };
}
