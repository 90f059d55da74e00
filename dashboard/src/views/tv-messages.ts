/**
 * Messages to the TV: a short text (up to 200 characters) shown on a household's set-top box, or on
 * every set-top box of a building, confirmed before it goes. Each message's status follows live from
 * `tv_message.updated` events: sent → shown → dismissed, or "no set-top box" when the flat has none.
 * Used by the alert page (the household of the alert) and the buildings board (the flat clicked).
 */
import type { ConsoleEvent } from "@helpkey/shared";
import { api, ApiError } from "../api";
import { clock, h, mount } from "../dom";
import { t, type StringKey } from "../i18n";
import { isOnline } from "../live";
import type { Change } from "../store";
import { toast } from "../toast";
import type { TvMessageView } from "../types";

export const TV_TEXT_MAX = 200;
/** Messages a panel keeps and shows, newest first: a building-wide send to a large estate stays readable. */
const KEEP = 100;

export interface TvTarget {
  /** The household whose TV gets the message; null: only the building button is offered. */
  householdId: number | null;
  /** The household's address as the dispatcher reads it (in the confirmation). */
  place: string | null;
  building: { id: number; name: string } | null;
}

export interface TvPanel {
  el: HTMLElement;
  setTarget(target: TvTarget): void;
  update(c: Change): void;
}

/** A `tv_message.updated` event's message; the console stream carries it next to the alert events. */
export function tvMessageOf(e: ConsoleEvent): TvMessageView | null {
  return e.type === "tv_message.updated" && e.message ? e.message : null;
}

export function tvPanel(): TvPanel {
  let target: TvTarget = { householdId: null, place: null, building: null };
  const messages = new Map<number, TvMessageView>();
  const title = h("h3", {}, t("tvTitle"));
  const text = h("textarea", { class: "tv-text", name: "tv-text", maxlength: TV_TEXT_MAX, rows: 2, placeholder: t("tvPlaceholder") });
  const toHousehold = h("button", { class: "btn", "data-action": "tv-household", onclick: () => void send("household") }, t("tvSendHousehold"));
  const toBuilding = h("button", { class: "btn", "data-action": "tv-building", onclick: () => void send("building") }, "");
  const list = h("ul", { class: "tv-list" });
  const el = h("section", { class: "box tv-messages", hidden: true }, title, text, h("div", { class: "tv-buttons" }, toHousehold, toBuilding), list);

  const inScope = (m: TvMessageView) => target.householdId === null || m.householdId === target.householdId;
  const render = () => {
    const shown = [...messages.values()].filter(inScope).sort((a, b) => b.createdAt - a.createdAt || b.id - a.id).slice(0, KEEP);
    mount(list, shown.length ? shown.map((m) => h("li", { class: `tv-msg tv-${m.status}`, "data-msg-id": m.id, "data-household-id": m.householdId, "data-status": m.status },
      h("span", { class: `badge tv-status` }, t(`tv_${m.status}` as StringKey), m.status === "shown" && m.shownAt ? ` ${clock(m.shownAt)}` : m.status === "dismissed" && m.dismissedAt ? ` ${clock(m.dismissedAt)}` : ""),
      " ", h("span", { class: "tv-body" }, m.text),
      h("small", { class: "muted" }, ` · ${clock(m.createdAt)} · ${t("tvBy", { by: m.by })}`))) : h("li", { class: "muted" }, t("tvNone")));
  };
  const put = (m: TvMessageView) => {
    const old = messages.get(m.id);
    // Events can overtake the HTTP answer: a later status never goes back to "sent".
    if (old && old.status !== "sent" && m.status === "sent") return;
    messages.set(m.id, m);
    if (messages.size > KEEP * 2) {
      const oldest = [...messages.values()].sort((a, b) => a.createdAt - b.createdAt).slice(0, messages.size - KEEP);
      for (const o of oldest) messages.delete(o.id);
    }
  };

  const load = async () => {
    const q = target.householdId !== null ? `householdId=${target.householdId}` : target.building ? `buildingId=${target.building.id}` : null;
    if (!q) return;
    try {
      const r = await api<TvMessageView[] | { messages: TvMessageView[] }>("GET", `/api/tv-messages?${q}`);
      messages.clear();
      for (const m of Array.isArray(r) ? r : r.messages) put(m);
      render();
    } catch (err) {
      mount(list, h("li", { class: "error" }, err instanceof ApiError ? err.message : String(err)));
    }
  };

  async function send(to: "household" | "building"): Promise<void> {
    const body = text.value.trim();
    if (!body) return void toast(t("tvEmpty"), "warn");
    if (!isOnline()) return void toast(t("offlineNoAction"), "warn");
    const where = to === "household" ? target.householdId : target.building?.id;
    if (where === null || where === undefined) return;
    const question = to === "household" ? t("tvConfirmHousehold", { place: target.place ?? "", text: body }) : t("tvConfirmBuilding", { building: target.building?.name ?? "", text: body });
    if (!confirm(question)) return;
    try {
      const r = await api<{ messages: TvMessageView[] }>("POST", `/api/${to === "household" ? "households" : "buildings"}/${where}/tv-messages`, { text: body });
      for (const m of r.messages) put(m);
      text.value = "";
      render();
      toast(t("tvQueued", { n: r.messages.length }), "ok");
    } catch (err) {
      toast(t("actionFailed", { msg: err instanceof Error ? err.message : String(err) }), "error");
    }
  }

  return {
    el,
    setTarget(next) {
      const changed = next.householdId !== target.householdId || next.building?.id !== target.building?.id;
      target = next;
      el.hidden = next.householdId === null && next.building === null;
      title.textContent = next.place ? t("tvFor", { place: next.place }) : t("tvTitle");
      toHousehold.hidden = next.householdId === null;
      toBuilding.hidden = next.building === null;
      toBuilding.textContent = next.building ? t("tvSendBuilding", { building: next.building.name }) : "";
      if (changed) {
        messages.clear();
        render();
        void load();
      }
    },
    update(c) {
      if (c.full) return void load();
      let dirty = false;
      for (const e of c.events) {
        const m = tvMessageOf(e);
        // A building's messages are known by id (the event names the household, not its building).
        if (!m || (target.householdId !== null ? m.householdId !== target.householdId : !messages.has(m.id))) continue;
        put(m);
        dirty = true;
      }
      if (dirty) render();
    },
  };
}
