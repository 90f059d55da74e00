/**
 * Community → building → unit, the place every admin page starts from, with "new" next to each menu
 * for an administrator. The last choice is kept while the console is open, so moving between the
 * admin pages stays in the same community.
 */
import { api } from "../api";
import { h, mount } from "../dom";
import { t, type StringKey } from "../i18n";
import { fetchAll } from "../paged";
import { adminForm } from "./admin-form";

export interface Community { id: number; name: string; countryCode: string; districtId: number | null; language: string }
export interface Building { id: number; communityId: number; name: string }
export interface Unit { id: number; buildingId: number; name: string }

export interface Picked { communityId: number | null; buildingId: number | null; unitId: number | null }

export interface PlacePicker {
  el: HTMLElement;
  picked(): Picked;
  community(): Community | undefined;
  buildings(): Building[];
  units(): Unit[];
  /** Called after every change of choice, once the menus below it are loaded. */
  onChange(f: (p: Picked) => void): void;
  /** Resolves when the remembered (or given) choice is loaded and selected. */
  ready: Promise<void>;
}

const remembered: Picked = { communityId: null, buildingId: null, unitId: null };
const num = (v: string | null | undefined) => (v && /^\d+$/.test(v) ? Number(v) : null);

type Level = "community" | "building" | "unit";
const levels: Level[] = ["community", "building", "unit"];
const labels: Record<Level, StringKey> = { community: "adCommunity", building: "building", unit: "adUnit" };

/** `any`: the words of the community menu's empty choice when it means "every community" (a filter). */
export function placePicker(o: { depth: 1 | 2 | 3; create?: boolean; params?: URLSearchParams; any?: StringKey }): PlacePicker {
  const used = levels.slice(0, o.depth);
  const sel = Object.fromEntries(used.map((l) => [l, h("select", { id: `pick-${l}`, "aria-label": t(labels[l]) })])) as Record<Level, HTMLSelectElement>;
  const formSlot = h("div", { class: "pick-form" });
  let communities: Community[] = [];
  let buildings: Building[] = [];
  let units: Unit[] = [];
  const listeners: ((p: Picked) => void)[] = [];

  const picked = (): Picked => ({
    communityId: num(sel.community.value),
    buildingId: o.depth >= 2 ? num(sel.building.value) : null,
    unitId: o.depth >= 3 ? num(sel.unit.value) : null,
  });
  /** A menu's rows; the choice is `want`, else what is chosen now if it is still there (a person may have chosen meanwhile). */
  const fill = (s: HTMLSelectElement | undefined, rows: { id: number; name: string }[], want: number | null, choose: StringKey) => {
    if (!s) return;
    const keep = want ?? num(s.value);
    mount(s, h("option", { value: "" }, t(choose)), rows.map((r) => h("option", { value: r.id }, r.name)));
    s.value = keep !== null && rows.some((r) => r.id === keep) ? String(keep) : "";
    s.disabled = rows.length === 0 && s !== sel.community;
  };

  // an answer for a choice that has changed since it was asked for is dropped
  let buildingsAsked = 0;
  let unitsAsked = 0;
  const loadBuildings = async (want: number | null) => {
    const mine = ++buildingsAsked;
    const c = num(sel.community.value);
    const rows = c === null || o.depth < 2 ? [] : await fetchAll<Building>(`/api/buildings?communityId=${c}`);
    if (mine !== buildingsAsked) return;
    buildings = rows;
    fill(sel.building, buildings, want, "adChooseBuilding");
  };
  const loadUnits = async (want: number | null) => {
    const mine = ++unitsAsked;
    const b = o.depth >= 2 ? num(sel.building.value) : null;
    const rows = b === null || o.depth < 3 ? [] : await fetchAll<Unit>(`/api/units?buildingId=${b}`);
    if (mine !== unitsAsked) return;
    units = rows;
    fill(sel.unit, units, want, "adChooseUnit");
  };
  const changed = () => {
    const p = picked();
    remembered.communityId = p.communityId;
    if (o.depth >= 2) remembered.buildingId = p.buildingId;
    if (o.depth >= 3) remembered.unitId = p.unitId;
    mount(formSlot, "");
    for (const f of listeners) f(p);
  };

  sel.community.addEventListener("change", () => void loadBuildings(null).then(() => loadUnits(null)).then(changed));
  sel.building?.addEventListener("change", () => void loadUnits(null).then(changed));
  sel.unit?.addEventListener("change", changed);

  const loadCommunities = async (want: number | null) => {
    communities = await fetchAll<Community>("/api/communities");
    fill(sel.community, communities, want, o.any ?? "adChooseCommunity");
  };

  /** An inline form for a new community, building or unit; the new record is chosen at once. */
  const createForm = (level: Level) => {
    const parent = picked();
    if ((level === "building" && parent.communityId === null) || (level === "unit" && parent.buildingId === null)) return;
    mount(formSlot, adminForm({
      id: `new-${level}`, submit: "adCreate", onCancel: () => mount(formSlot, ""),
      fields: [
        { name: "name", label: "adPlaceName", required: true },
        ...(level === "community" ? [{ name: "countryCode", label: "adCountry" as StringKey, value: "CN", required: true }] : []),
      ],
      onSubmit: async (v) => {
        if (level === "community") {
          const c = await api<Community>("POST", "/api/communities", v);
          await loadCommunities(c.id);
          await loadBuildings(null);
          await loadUnits(null);
        } else if (level === "building") {
          const b = await api<Building>("POST", "/api/buildings", { ...v, communityId: parent.communityId });
          await loadBuildings(b.id);
          await loadUnits(null);
        } else {
          const u = await api<Unit>("POST", "/api/units", { ...v, buildingId: parent.buildingId });
          await loadUnits(u.id);
        }
        changed();
      },
    }));
  };

  const start = {
    communityId: num(o.params?.get("community")) ?? remembered.communityId,
    buildingId: num(o.params?.get("building")) ?? remembered.buildingId,
    unitId: num(o.params?.get("unit")) ?? remembered.unitId,
  };
  const ready = (async () => {
    await loadCommunities(start.communityId);
    await loadBuildings(start.buildingId);
    await loadUnits(start.unitId);
    changed();
  })();

  const el = h("div", { class: "place-picker" },
    h("div", { class: "filters" }, used.map((l) => h("label", {}, t(labels[l]), h("span", { class: "pick-row" }, sel[l],
      o.create ? h("button", { class: "btn link", type: "button", "data-create": l, title: t("adNew"), onclick: () => createForm(l) }, `+ ${t("adNew")}`) : null)))),
    formSlot);
  return {
    el, picked, ready,
    community: () => communities.find((c) => c.id === num(sel.community.value)),
    buildings: () => buildings,
    units: () => units,
    onChange: (f) => void listeners.push(f),
  };
}

/** The choice goes into the page's address (a reload or a shared link opens the same place), without a new history entry. */
export function keepInUrl(page: string, p: Picked, extra: Record<string, string> = {}): void {
  const q = new URLSearchParams();
  if (p.communityId) q.set("community", String(p.communityId));
  if (p.buildingId) q.set("building", String(p.buildingId));
  if (p.unitId) q.set("unit", String(p.unitId));
  for (const [k, v] of Object.entries(extra)) if (v) q.set(k, v);
  const s = q.toString();
  history.replaceState(null, "", `#/${page}${s ? `?${s}` : ""}`);
}
