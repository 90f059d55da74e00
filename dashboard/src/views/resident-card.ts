/**
 * The resident card on the alert page: what a responder must know (medical, mobility), whom to phone
 * with one click (the resident, every contact, who holds a key, the patrol on duty, the centre), and
 * the door or key-safe code behind a button. The code is fetched only when asked for, each time
 * recorded under the dispatcher's name by the gateway; it is never in the live stream or the report.
 */
import { api, ApiError } from "../api";
import { clock, h, mount } from "../dom";
import { t, type StringKey } from "../i18n";
import { strings } from "../strings";
import type { Report } from "../types";

interface Card {
  householdId: number;
  residents: { id: number; name: string; phone: string | null; medical: string | null; mobility: string | null; notes: string | null }[];
  contacts: { id: number; name: string; relation: string; phone: string; priority: number; hasKey: boolean }[];
  hasDoorCode: boolean;
  centre: { name: string; phone: string | null };
  patrol: { id: number; name: string; phone: string }[];
}

/** A relation from the fixed list in the dispatcher's language; anything else as it was typed. */
export function relationName(relation: string): string {
  const key = `rel_${relation}` as StringKey;
  return key in strings.en ? t(key) : relation;
}

const call = (name: string, phone: string) =>
  h("a", { class: "tel", href: `tel:${phone}`, title: t("rcCall", { name }), "data-phone": phone }, "☎ ", phone);

/** The card element survives the alert page's re-renders (one alert page is open at a time), so a revealed code stays shown. */
let kept: { alertId: number; el: HTMLElement } | null = null;

export function residentCard(r: Report): HTMLElement {
  const alertId = r.alert.id;
  if (kept?.alertId === alertId) return kept.el;
  const el = h("section", { class: "box resident-card", id: "resident-card", "data-household-id": r.alert.householdId }, h("h3", {}, t("rcTitle")));
  kept = { alertId, el };
  void api<Card>("GET", `/api/households/${r.alert.householdId}/card`).then((c) => mount(el, ...body(c, alertId)))
    .catch((err: unknown) => el.append(h("p", { class: "error" }, err instanceof ApiError ? err.message : String(err))));
  return el;
}

function body(c: Card, alertId: number): HTMLElement[] {
  const code = h("span", { class: "door-code", id: "door-code" });
  const revealed = h("small", { class: "muted" });
  const reveal = h("button", {
    class: "btn", id: "reveal-door-code",
    onclick: () => void api<{ doorCode: string }>("POST", `/api/households/${c.householdId}/door-code`, { alertId }).then((d) => {
      code.textContent = d.doorCode;
      revealed.textContent = t("rcRevealed", { t: clock(Date.now()) });
      reveal.hidden = true;
    }).catch((err: unknown) => (revealed.textContent = err instanceof ApiError ? err.message : String(err))),
  }, t("rcReveal"));
  const keyHolders = c.contacts.filter((x) => x.hasKey);
  return [
    h("h3", {}, t("rcTitle")),
    h("ul", { class: "card-residents" }, c.residents.map((p) => h("li", { "data-resident-id": p.id },
      h("b", {}, p.name), p.phone ? [" ", call(p.name, p.phone)] : null,
      p.medical ? h("div", { class: "medical" }, t("labelled", { label: t("rcMedical") }), p.medical) : null,
      p.mobility ? h("div", { class: "mobility" }, t("labelled", { label: t("rcMobility") }), p.mobility) : null,
      p.notes ? h("div", { class: "muted" }, p.notes) : null))),
    h("div", { class: "door" }, h("b", {}, t("rcDoorCode")), " ",
      c.hasDoorCode ? [reveal, code, " ", revealed] : h("span", { class: "muted" }, t("rcNoDoorCode"))),
    h("div", { class: "key-holders" }, h("b", {}, t("rcKeyHolders")),
      keyHolders.length
        ? h("ul", {}, keyHolders.map((x) => h("li", { "data-contact-id": x.id }, `${x.name} · ${relationName(x.relation)} `, call(x.name, x.phone))))
        : h("div", { class: "muted" }, t("rcNoKeyHolders"))),
    h("div", { class: "card-contacts" }, h("b", {}, t("contacts")),
      h("ul", {}, c.contacts.map((x) => h("li", { "data-contact-id": x.id, "data-has-key": x.hasKey ? "1" : null },
        `${x.name} · ${t("callOrder", { n: x.priority })} · ${relationName(x.relation)}${x.hasKey ? ` · ${t("hasKey")}` : ""} `, call(x.name, x.phone))))),
    h("div", { class: "card-patrol" }, h("b", {}, t("rcPatrol")),
      c.patrol.length ? h("ul", {}, c.patrol.map((m) => h("li", {}, `${m.name} `, call(m.name, m.phone)))) : h("div", { class: "muted" }, t("rcNoPatrol"))),
    h("div", { class: "card-centre" }, h("b", {}, t("rcCentre")), ` ${c.centre.name} `, c.centre.phone ? call(c.centre.name, c.centre.phone) : null),
  ];
}
