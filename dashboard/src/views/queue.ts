/**
 * The live queue (issue 5, "Live queue"): open and in-progress alerts, most urgent kind first, then
 * oldest. Age colours while unclaimed (amber from 60 s, red from 120 s), press count, kind colour
 * (emergencies red, service green). j/k select, Enter opens, a acknowledges.
 */
import type { AlertView } from "@helpkey/shared";
import { act } from "../actions";
import { age, clock, h, mount } from "../dom";
import { place, t, type StringKey } from "../i18n";
import { store } from "../store";
import type { View, ViewContext } from "./view";

export const AMBER_AFTER_MS = 60_000;
export const RED_AFTER_MS = 120_000;

/** The age colour: only an unclaimed alert grows amber, then red. */
export function ageClass(a: AlertView, now: number): string {
  if (a.state !== "open") return "age-claimed";
  const waited = now - a.firstPressAt;
  return waited >= RED_AFTER_MS ? "age-red" : waited >= AMBER_AFTER_MS ? "age-amber" : "age-new";
}

let selected: number | null = null;

export function queueView(ctx: ViewContext): View {
  const list = h("div", { class: "queue", id: "queue" });
  const el = h("section", { class: "view view-queue" }, list);

  const card = (a: AlertView) => {
    const addr = a.address;
    return h("article", {
      class: `card kind-${a.kind} state-${a.state} ${ageClass(a, Date.now())}${a.id === selected ? " selected" : ""}`,
      "data-alert-id": a.id, "data-state": a.state, "data-kind": a.kind, tabindex: 0,
      onclick: (e: Event) => {
        if ((e.target as HTMLElement).closest("button")) return;
        selected = a.id;
        ctx.go(`#/alert/${a.id}`);
      },
    },
      h("div", { class: "card-kind" }, t(`k_${a.kind}` as StringKey)),
      h("div", { class: "card-main" },
        h("h2", {}, `#${a.id} · ${place(addr)}`),
        h("div", { class: "card-who" }, a.residents.join("、") || "—", a.pressCount > 1 ? h("span", { class: "presses" }, ` · ${t("presses", { n: a.pressCount })}`) : null),
        h("div", { class: "muted" }, `${clock(a.firstPressAt)} · ${addr.community}`),
      ),
      h("div", { class: "card-age" }, h("small", {}, t("ageLabel")), h("b", { "data-since": a.firstPressAt }, age(Date.now() - a.firstPressAt))),
      h("div", { class: "card-state" }, t(`s_${a.state}` as StringKey), a.acknowledgedBy ? h("div", { class: "muted" }, t("ackBy", { by: a.acknowledgedBy })) : null),
      h("div", { class: "card-actions" },
        a.state === "open" ? h("button", { class: "btn primary", "data-action": "acknowledge", onclick: () => void act(a.id, "acknowledge") }, t("aAcknowledge")) : null,
        h("button", { class: "btn", "data-action": "open", onclick: () => ctx.go(`#/alert/${a.id}`) }, t("aOpen")),
      ),
    );
  };

  const render = () => {
    const q = store.queue();
    if (selected !== null && !q.some((a) => a.id === selected)) selected = null;
    mount(list, q.length ? q.map(card) : h("p", { class: "empty" }, t("queueEmpty")));
  };

  // Ages tick every second without rebuilding the cards (a click must never land on a moving target).
  const tick = setInterval(() => {
    const now = Date.now();
    list.querySelectorAll<HTMLElement>(".card").forEach((c) => {
      const a = store.alerts.get(Number(c.dataset.alertId));
      if (!a) return;
      c.querySelector(".card-age b")!.textContent = age(now - a.firstPressAt);
      c.classList.remove("age-new", "age-amber", "age-red", "age-claimed");
      c.classList.add(ageClass(a, now));
    });
  }, 1000);

  const move = (step: number) => {
    const q = store.queue();
    if (!q.length) return;
    const i = q.findIndex((a) => a.id === selected);
    selected = q[Math.max(0, Math.min(q.length - 1, i < 0 ? 0 : i + step))]!.id;
    render();
    list.querySelector(".card.selected")?.scrollIntoView({ block: "nearest" });
  };

  render();
  return {
    el,
    update: render,
    destroy: () => clearInterval(tick),
    key(k) {
      if (k === "j" || k === "ArrowDown") return move(1), true;
      if (k === "k" || k === "ArrowUp") return move(-1), true;
      const target = selected ?? store.queue()[0]?.id;
      if (target === undefined) return false;
      if (k === "Enter") return ctx.go(`#/alert/${target}`), true;
      if (k === "a") return void act(target, "acknowledge"), true;
      if (k === "d" || k === "o" || k === "r" || k === "x") return ctx.go(`#/alert/${target}?key=${k}`), true;
      return false;
    },
  };
}
