/** The household, its devices and the patrol sent: the facts blocks of the alert page and the report. */
import { clock, dateTime, h } from "../dom";
import { place, t, type StringKey } from "../i18n";
import type { DeviceHealthRow, Report } from "../types";

export function householdBlock(r: Report): HTMLElement {
  const a = r.alert.address;
  return h("section", { class: "box household" },
    h("h3", {}, t("household")),
    h("div", { class: "address" }, `${a.community} · ${place(a)}`),
    h("ul", { class: "residents" }, r.household.residents.map((p) => h("li", {}, h("b", {}, p.name), p.notes ? ` — ${p.notes}` : ""))),
    r.household.notes ? h("div", { class: "notes" }, `${t("notes")}: ${r.household.notes}`) : null,
  );
}

export function deviceLine(d: DeviceHealthRow): HTMLElement {
  const since = d.health === "offline" ? t("offlineSince", { t: dateTime(d.lastSeenAt) }) : `${t("lastSeen")}: ${dateTime(d.lastSeenAt)}`;
  return h("div", { class: `device health-${d.health}`, "data-device-id": d.id },
    h("b", {}, `${t(`d_${d.type}` as StringKey)} ${d.id}`), " ",
    h("span", { class: `badge h-${d.health}` }, t(`h_${d.health}` as StringKey)),
    h("div", {}, `${t("battery")}: ${d.battery === null ? "—" : `${d.battery}%`} · ${since}`),
  );
}

export function deviceBlock(r: Report): HTMLElement {
  return h("section", { class: "box devices" }, h("h3", {}, t("device")), r.devices.map(deviceLine));
}

export function respondersBlock(r: Report): HTMLElement {
  return h("section", { class: "box responders" },
    h("h3", {}, t("responders")),
    r.responders.length
      ? h("ul", {}, r.responders.map((d) => h("li", { "data-dispatch-id": d.id, "data-status": d.status },
        h("b", {}, d.name), ` · ${t(`r_${d.status}` as StringKey)} ${clock(d.updatedAt)} · ${t("rSentBy", { by: d.dispatchedBy })}`)))
      : h("div", { class: "muted" }, t("noResponders")),
  );
}
