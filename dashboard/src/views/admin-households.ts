/**
 * The households of a community, building or unit, 20 at a time: each with its residents, contacts
 * and devices. Administrators add, change and delete them here; supervisors read them.
 */
import { api } from "../api";
import { h, mount } from "../dom";
import { t } from "../i18n";
import { fetchAll, pagedList } from "../paged";
import type { DeviceHealthRow } from "../types";
import { adminForm } from "./admin-form";
import { householdCard, loadFull, type CardContext } from "./admin-household-card";
import { householdFields, type Device, type Household } from "./admin-household-forms";
import { keepInUrl, placePicker, type Picked } from "./admin-places";
import type { View, ViewContext } from "./view";

const listUrl = (p: Picked): string | null =>
  p.unitId ? `/api/households?unitId=${p.unitId}`
    : p.buildingId ? `/api/households?buildingId=${p.buildingId}`
      : p.communityId ? `/api/households?communityId=${p.communityId}` : null;

export function adminHouseholds(ctx: ViewContext, params: URLSearchParams): View {
  const admin = ctx.me.role === "admin";
  const picker = placePicker({ depth: 3, create: admin, params });
  const list = h("div", { class: "hh-list", id: "households" });
  const formSlot = h("div", { class: "hh-new" });
  const known = new Map<number, Household>();
  // supervisors may not read the device registry: the health board of the same place says what they need
  let board: Promise<DeviceHealthRow[]> | null = null;

  const cx: CardContext = {
    admin,
    households: () => [...known.values()],
    devicesOf: async (householdId) => {
      if (admin) return (await fetchAll<Device>(`/api/devices?householdId=${householdId}`)).filter((d) => !d.revokedAt);
      const p = picker.picked();
      board ??= api<{ devices: DeviceHealthRow[] }>("GET", `/api/board/devices?${p.buildingId ? `buildingId=${p.buildingId}` : `communityId=${p.communityId}`}`).then((r) => r.devices);
      return (await board).filter((d) => d.householdId === householdId);
    },
    deviceHref: (id) => {
      const p = picker.picked();
      return `#/admin-provision?community=${p.communityId ?? ""}&building=${p.buildingId ?? ""}&unit=${p.unitId ?? ""}&device=${encodeURIComponent(id)}`;
    },
    removed: (id) => {
      known.delete(id);
      list.querySelector(`.hh-card[data-household-id="${id}"]`)?.remove();
    },
  };

  const paged = pagedList<Household>(list, async (rows) => {
    for (const r of rows) known.set(r.id, r);
    const fulls = await Promise.all(rows.map((r) => loadFull(r, cx)));
    return fulls.map((f) => householdCard(f, cx));
  }, { limit: 20, empty: () => (listUrl(picker.picked()) ? t("adNoHouseholds") : t("adPickPlace")) });

  const addButton = admin ? h("button", { class: "btn", type: "button", id: "add-household", onclick: () => {
    const unitId = picker.picked().unitId;
    if (!unitId) return;
    mount(formSlot, adminForm({
      id: "new-household", fields: householdFields(), submit: "adCreate", onCancel: () => mount(formSlot, ""),
      onSubmit: async (v) => {
        await api("POST", "/api/households", { ...v, unitId });
        mount(formSlot, "");
        await paged.load(listUrl(picker.picked()));
      },
    }));
  } }, `+ ${t("adAddHousehold")}`) : null;

  picker.onChange((p) => {
    known.clear();
    board = null;
    mount(formSlot, "");
    if (addButton) addButton.disabled = !p.unitId;
    keepInUrl("admin-households", p);
    void paged.load(listUrl(p));
  });

  return {
    el: h("section", { class: "view admin-households" },
      picker.el, h("div", { class: "admin-bar" }, addButton, h("span", { class: "muted" }, admin ? t("adHouseholdsHint") : t("adReadOnly"))),
      formSlot, list, paged.el),
  };
}
