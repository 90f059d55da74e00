/**
 * The live queue, in lanes: alarms that need a person (loud: their kind's colour and icon, a pulse
 * while nobody has claimed them), service requests (calm, their own lane), and the technical alerts
 * (device faults, technical.ts). In each alert lane: unclaimed first, then the most urgent kind, then the oldest.
 * Each card leads with who is going. A service card names its category, turns a calm amber past its
 * answer time, and is claimed, noted and marked done in place. j/k select, Enter opens, a acknowledges.
 *
 * Rendering is keyed and incremental: a card is rebuilt only when its alert changed, cards are
 * moved rather than re-created when the order changes, and a lane shows its first LANE_PAGE alerts
 * with an "N more" button, so a storm of events or thousands of open alerts stay responsive.
 */
import type { AlertView } from "@helpkey/shared";
import { act, addNote, markDone, markReal } from "../actions";
import { age, clock, h } from "../dom";
import { place, t, type StringKey } from "../i18n";
import { isOnline } from "../live";
import { categoryName, isPastDue, onCategories } from "../service";
import { needsSomeone, store, type Change } from "../store";
import { toast } from "../toast";
import { goingLine } from "./going-line";
import { kindIcon } from "./kind-icon";
import { technicalLane } from "./technical";
import type { View, ViewContext } from "./view";

export const AMBER_AFTER_MS = 60_000;
export const RED_AFTER_MS = 120_000;
/** Cards a lane shows before its "more" button; a storm of 500 fits on the first page. */
const LANE_PAGE = 500;

/** The age colour: only an unclaimed alarm grows amber, then red; a service request turns a calm amber past its answer time. */
export function ageClass(a: AlertView, now: number): string {
  if (a.kind === "service" && isPastDue(a, now)) return "age-due";
  if (a.state !== "open") return "age-claimed";
  if (a.kind === "service") return "age-new";
  const waited = now - a.firstPressAt;
  return waited >= RED_AFTER_MS ? "age-red" : waited >= AMBER_AFTER_MS ? "age-amber" : "age-new";
}

type LaneName = "urgent" | "service" | "technical";
interface Lane {
  name: LaneName;
  el: HTMLElement;
  list: HTMLElement;
  more: HTMLButtonElement;
  count: HTMLElement;
  limit: number;
  shown: AlertView[];
}

let selected: number | null = null;

export function queueView(ctx: ViewContext): View {
  const makeLane = (name: LaneName, title: StringKey): Lane => {
    const list = h("div", { class: "lane-list" });
    const count = h("span", { class: "lane-count" });
    const lane: Lane = { name, list, count, limit: LANE_PAGE, shown: [], el: h("section"), more: h("button") };
    lane.more = h("button", { class: "btn more", "data-more": name, hidden: true, onclick: () => ((lane.limit += LANE_PAGE), render({ full: false, ids: new Set(), events: [] })) });
    lane.el = h("section", { class: `lane lane-${name}`, id: `lane-${name}`, "data-lane": name, hidden: true }, h("h3", { class: "lane-title" }, name === "urgent" ? null : kindIcon(name === "service" ? "service" : "technical"), t(title), " ", count), list, lane.more);
    return lane;
  };
  const lanes = [makeLane("urgent", "laneUrgent"), makeLane("service", "serviceQueue")];
  // technical alerts are device faults, not alerts: their own lane keeps its own list (technical.ts)
  const technical = technicalLane();
  const empty = h("p", { class: "empty" }, t("queueEmpty"));
  const root = h("div", { class: "queue", id: "queue" }, empty, lanes.map((l) => l.el), technical.el);
  const el = h("section", { class: "view view-queue" }, root);
  const cards = new Map<number, { el: HTMLElement; a: AlertView }>();
  // Only cards on screen tick their age: hundreds of offscreen cards would cost every tick a layout,
  // and a key press landing on that tick would wait for it. A card scrolled into view is right within 1 s.
  const onScreen = new Set<Element>();
  const seen = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (e.isIntersecting) onScreen.add(e.target);
      else onScreen.delete(e.target);
    }
  });
  const forget = (el: Element) => {
    seen.unobserve(el);
    onScreen.delete(el);
  };
  /** What the dispatcher typed in a service card's note field, kept across the card's rebuilds. */
  const drafts = new Map<number, string>();

  const serviceActions = (a: AlertView, online: boolean) => {
    const note = h("input", { class: "service-note", "data-field": "note", placeholder: t("doneNote"), maxlength: 1000, value: drafts.get(a.id) ?? "" });
    note.addEventListener("input", () => drafts.set(a.id, note.value));
    const noteText = () => note.value.trim();
    const clear = (ok: boolean) => ok && (drafts.delete(a.id), (note.value = ""));
    return [
      a.state === "open" ? h("button", { class: "btn primary", "data-action": "acknowledge", disabled: !online, onclick: () => void act(a.id, "acknowledge") }, t("aClaim")) : null,
      note,
      h("button", { class: "btn", "data-action": "note", disabled: !online, onclick: () => (noteText() ? void addNote(a.id, noteText()).then(clear) : toast(t("noteEmpty"), "warn")) }, t("aNote")),
      a.state !== "open" ? h("button", { class: "btn good", "data-action": "done", disabled: !online, onclick: () => void markDone(a.id, noteText()).then(clear) }, t("aDone")) : null,
    ];
  };

  const card = (a: AlertView, now: number) => {
    const addr = a.address;
    const claimed = a.state !== "open";
    const online = isOnline();
    const service = a.kind === "service";
    const due = a.answerDueAt;
    return h("article", {
      class: `card kind-${a.kind} state-${a.state} ${ageClass(a, now)}${needsSomeone(a) ? (service ? " needs-calm" : " needs") : ""}${a.id === selected ? " selected" : ""}`,
      "data-alert-id": a.id, "data-state": a.state, "data-kind": a.kind, "data-category": service ? a.category ?? "" : null, tabindex: 0,
      onclick: (e: Event) => {
        if ((e.target as HTMLElement).closest("button, input")) return;
        selected = a.id;
        ctx.go(`#/alert/${a.id}`);
      },
    },
      h("div", { class: "card-icon" }, kindIcon(a.kind)),
      h("div", { class: "card-kind" }, categoryName(a) ?? t(`k_${a.kind}` as StringKey), a.maintenance ? [" ", h("span", { class: "badge maintenance", "data-maintenance": "" }, t("maintenance"))] : null,
        a.drillId ? [" ", h("span", { class: "badge drill", "data-drill": a.drillId }, t("drillBadge")), " ",
          h("button", { class: "btn small danger", "data-action": "real", disabled: !online, onclick: () => void markReal(a.id) }, t("aReal"))] : null),
      h("div", { class: "card-main" },
        goingLine(a, store.notifications(a.id), now),
        h("h2", {}, `#${a.id} · ${place(addr)}`),
        h("div", { class: "card-who" }, a.residents.join("、") || "—", a.pressCount > 1 ? h("span", { class: "presses" }, ` · ${t("presses", { n: a.pressCount })}`) : null),
        h("div", { class: "muted" }, `${clock(a.firstPressAt)} · ${addr.community}`),
        service && due !== null && a.state === "open" ? h("div", { class: "service-due" }, isPastDue(a, now) ? t("serviceDue") : t("serviceDueAt", { t: clock(due, false) })) : null,
      ),
      h("div", { class: "card-age" }, h("small", {}, t("ageLabel")), h("b", { "data-since": a.firstPressAt }, age(now - a.firstPressAt))),
      h("div", { class: "card-state" }, t(`s_${a.state}` as StringKey), a.acknowledgedBy ? h("div", { class: "muted" }, t("ackBy", { by: a.acknowledgedBy })) : null),
      h("div", { class: "card-actions" },
        service ? serviceActions(a, online)
          : !claimed ? h("button", { class: "btn primary", "data-action": "acknowledge", disabled: !online, onclick: () => void act(a.id, "acknowledge") }, t("aAcknowledge")) : null,
        h("button", { class: "btn", "data-action": "open", onclick: () => ctx.go(`#/alert/${a.id}`) }, t("aOpen")),
      ),
    );
  };

  /** Puts `els` in `parent` in this order, moving only what is out of place; drops the rest. */
  const place_ = (parent: HTMLElement, els: HTMLElement[]) => {
    let cursor = parent.firstElementChild;
    for (const e of els) {
      if (e === cursor) cursor = cursor.nextElementSibling;
      else parent.insertBefore(e, cursor);
    }
    while (cursor) {
      const next = cursor.nextElementSibling;
      cursor.remove();
      cursor = next;
    }
  };

  const render = (c: Change) => {
    const q = store.queue();
    const now = Date.now();
    if (selected !== null && !store.alerts.has(selected)) selected = null;
    const byLane: Record<LaneName, AlertView[]> = { urgent: [], service: [], technical: [] };
    for (const a of q) byLane[a.kind === "service" ? "service" : "urgent"].push(a);
    const keep = new Set<number>();
    for (const lane of lanes) {
      const all = byLane[lane.name];
      lane.shown = all.slice(0, lane.limit);
      const els = lane.shown.map((a) => {
        keep.add(a.id);
        const old = cards.get(a.id);
        if (old && old.a === a && !c.full && !c.ids.has(a.id)) return old.el;
        const fresh = card(a, now);
        cards.set(a.id, { el: fresh, a });
        seen.observe(fresh);
        if (old) forget(old.el);
        if (old?.el.parentNode) old.el.replaceWith(fresh);
        return fresh;
      });
      place_(lane.list, els);
      lane.el.hidden = all.length === 0;
      lane.count.textContent = String(all.length);
      lane.more.hidden = all.length <= lane.shown.length;
      if (!lane.more.hidden) lane.more.textContent = t("showMore", { n: all.length - lane.shown.length });
    }
    for (const [id, entry] of cards) {
      if (keep.has(id)) continue;
      entry.el.remove();
      forget(entry.el);
      cards.delete(id);
      drafts.delete(id);
    }
    empty.hidden = q.length > 0;
  };

  // Ages tick every second without rebuilding the cards (a click must never land on a moving target).
  const tick = setInterval(() => {
    const now = Date.now();
    for (const { el: c, a } of cards.values()) {
      if (!onScreen.has(c)) continue;
      c.querySelector(".card-age b")!.textContent = age(now - a.firstPressAt);
      const cls = ageClass(a, now);
      if (!c.classList.contains(cls)) {
        c.classList.remove("age-new", "age-amber", "age-red", "age-claimed", "age-due");
        c.classList.add(cls);
        const due = c.querySelector(".service-due");
        if (due && cls === "age-due") due.textContent = t("serviceDue");
      }
    }
  }, 1000);

  const visible = () => lanes.flatMap((l) => l.shown);
  const select = (id: number | null) => {
    if (selected !== null) cards.get(selected)?.el.classList.remove("selected");
    selected = id;
    const entry = id === null ? undefined : cards.get(id);
    entry?.el.classList.add("selected");
    entry?.el.scrollIntoView({ block: "nearest" });
  };
  const move = (step: number) => {
    const q = visible();
    if (!q.length) return;
    const i = q.findIndex((a) => a.id === selected);
    select(q[Math.max(0, Math.min(q.length - 1, i < 0 ? 0 : i + step))]!.id);
  };

  // A service card drawn before its community's categories arrived shows the key: draw it again with the name.
  const stopCategories = onCategories((communityId) => {
    const ids = new Set([...cards.values()].filter(({ a }) => a.kind === "service" && a.communityId === communityId).map(({ a }) => a.id));
    if (ids.size) render({ full: false, ids, events: [] });
  });
  render({ full: true, ids: new Set(), events: [] });
  return {
    el,
    update: (c) => (render(c), technical.update(c)),
    setLive(on) {
      technical.setLive(on);
      root.querySelectorAll<HTMLButtonElement>("button[data-action=acknowledge], button[data-action=done], button[data-action=note]").forEach((b) => (b.disabled = !on));
    },
    destroy: () => {
      clearInterval(tick);
      seen.disconnect();
      stopCategories();
      technical.destroy();
    },
    key(k) {
      if (k === "j" || k === "ArrowDown") return move(1), true;
      if (k === "k" || k === "ArrowUp") return move(-1), true;
      const target = selected ?? visible()[0]?.id;
      if (target === undefined) return false;
      if (k === "Enter") return ctx.go(`#/alert/${target}`), true;
      if (k === "a") return void act(target, "acknowledge"), true;
      if (k === "d" || k === "o" || k === "r" || k === "x") return ctx.go(`#/alert/${target}?key=${k}`), true;
      return false;
    },
  };
}
