/**
 * One alert, led by who is going (see who-is-going.ts): household, device, every contact's notification timeline live,
 * the audit trail, and the actions: acknowledge, dispatch patrol (pick a member: SMS + link), on site,
 * resolve with outcome and note, cancel. Keys: a, d, o, r, x (see shortcuts.ts).
 */
import type { Outcome } from "@helpkey/shared";
import { act, dispatchPatrol, type Action } from "../actions";
import { api, ApiError } from "../api";
import { age, h, mount } from "../dom";
import { place, t, type StringKey } from "../i18n";
import { isOnline } from "../live";
import type { PatrolMember, Report } from "../types";
import { deviceBlock, householdBlock, respondersBlock } from "./facts";
import { auditTrail, contactTimelines } from "./timeline";
import { goingLine } from "./going-line";
import { residentCard } from "./resident-card";
import { debounce, type View, type ViewContext } from "./view";

const allowed: Record<Action, string[]> = {
  acknowledge: ["open"], dispatch: ["open", "acknowledged", "responding"], arrive: ["acknowledged", "responding"],
  resolve: ["acknowledged", "responding"], cancel: ["open", "acknowledged"],
};

export function alertPage(ctx: ViewContext, alertId: number, initialKey: string | null): View {
  const el = h("section", { class: "view view-alert", "data-alert-id": alertId });
  let report: Report | null = null;
  let patrol: PatrolMember[] = [];
  let patrolLoaded = false;
  let pendingKey = initialKey;
  const patrolSel = h("select", { class: "patrol-select", "aria-label": t("aDispatch") });
  const outcomeSel = h("select", { class: "outcome-select", "aria-label": t("outcome") },
    (["real", "false_alarm", "test"] as Outcome[]).map((o) => h("option", { value: o }, t(`o_${o}` as StringKey))));
  const note = h("input", { class: "note-input", placeholder: t("note"), maxlength: 1000 });

  const can = (a: Action) => report !== null && isOnline() && allowed[a].includes(report.alert.state);
  const doDispatch = () => {
    if (!can("dispatch")) return;
    const id = Number(patrolSel.value);
    void (id ? dispatchPatrol(alertId, id) : act(alertId, "dispatch"));
  };
  const doResolve = () => can("resolve") && void act(alertId, "resolve", { outcome: outcomeSel.value as Outcome, ...(note.value.trim() ? { note: note.value.trim() } : {}) });
  const doCancel = () => can("cancel") && confirm(t("confirmCancel")) && void act(alertId, "cancel", note.value.trim() ? { note: note.value.trim() } : {});
  patrolSel.addEventListener("keydown", (e) => e.key === "Enter" && doDispatch());
  note.addEventListener("keydown", (e) => e.key === "Enter" && doResolve());

  const button = (a: Action, key: string, onclick: () => unknown, cls = "btn") =>
    h("button", { class: cls, "data-action": a, title: key, onclick }, t(`a${a[0]!.toUpperCase()}${a.slice(1)}` as StringKey), h("kbd", {}, key));
  // Built once: a live event re-renders the facts below, never the field the dispatcher is typing in.
  const actions = h("div", { class: "actions" },
    button("acknowledge", "A", () => void act(alertId, "acknowledge"), "btn primary"),
    h("span", { class: "group" }, patrolSel, button("dispatch", "D", doDispatch)),
    button("arrive", "O", () => void act(alertId, "arrive")),
    h("span", { class: "group" }, outcomeSel, note, button("resolve", "R", doResolve, "btn good")),
    button("cancel", "X", doCancel, "btn danger"),
  );
  const head = h("header", { class: "alert-head" });
  const body = h("div", { class: "alert-body" });

  const render = () => {
    if (!report) return;
    const a = report.alert;
    el.dataset.state = a.state;
    const live = a.state !== "resolved" && a.state !== "cancelled";
    head.className = `alert-head kind-${a.kind} state-${a.state}`;
    mount(head,
      h("button", { class: "btn back", onclick: () => ctx.go("#/queue") }, "← ", t("aBack")),
      h("h1", {}, `${t(`k_${a.kind}` as StringKey)} #${a.id} — ${place(a.address)}`),
      goingLine(a, report.notifications, Date.now(), "alert-going"),
      h("span", { class: `badge s-${a.state}`, id: "alert-state" }, t(`s_${a.state}` as StringKey), a.acknowledgedBy ? ` · ${t("ackBy", { by: a.acknowledgedBy })}` : ""),
      live ? h("span", { class: "age" }, `${t("ageLabel")} ${age(Date.now() - a.firstPressAt)}`) : h("span", { class: "muted" }, a.outcome ? t(`o_${a.outcome}` as StringKey) : ""),
      a.pressCount > 1 ? h("span", { class: "presses" }, t("presses", { n: a.pressCount })) : null,
    );
    actions.hidden = !live;
    actions.querySelectorAll<HTMLButtonElement>("button[data-action]").forEach((b) => (b.disabled = !can(b.dataset.action as Action)));
    mount(body,
      h("div", { class: "cols" },
        h("div", { class: "col" }, householdBlock(report), residentCard(report), deviceBlock(report), respondersBlock(report)),
        h("div", { class: "col wide" }, h("section", { class: "box" }, h("h3", {}, t("contacts")), contactTimelines(report))),
      ),
      h("section", { class: "box" }, h("h3", {}, t("audit"), " ", h("a", { href: `#/report/${alertId}` }, t("aReport"))), auditTrail(report)),
    );
    if (head.parentNode !== el) mount(el, head, actions, body);
    if (pendingKey) {
      // A key pressed on the queue (`?key=d`): done once, and dropped from the address so a re-render never repeats it.
      const k = pendingKey;
      pendingKey = null;
      history.replaceState(null, "", `#/alert/${alertId}`);
      handleKey(k);
    }
  };

  const load = async () => {
    try {
      report = await api<Report>("GET", `/api/board/alerts/${alertId}/report`);
      if (!patrolLoaded) {
        patrolLoaded = true;
        patrol = await api<PatrolMember[]>("GET", `/api/patrol?communityId=${report.alert.communityId}`);
        mount(patrolSel, h("option", { value: "" }, patrol.length ? t("pickPatrol") : t("noPatrol")), patrol.map((m) => h("option", { value: m.id }, `${m.name} · ${m.phone}`)));
      }
      render();
    } catch (err) {
      mount(el, h("p", { class: "error" }, err instanceof ApiError ? err.message : String(err)));
    }
  };
  const refresh = debounce(() => void load(), 120);

  function handleKey(k: string): boolean {
    if (k === "a") return void act(alertId, "acknowledge"), true;
    if (k === "d") return patrolSel.focus(), true;
    if (k === "o") return void act(alertId, "arrive"), true;
    if (k === "r") return note.focus(), true;
    if (k === "x") return doCancel(), true;
    return false;
  }

  void load();
  const tick = setInterval(() => {
    const span = el.querySelector(".alert-head .age");
    if (span && report) span.textContent = `${t("ageLabel")} ${age(Date.now() - report.alert.firstPressAt)}`;
  }, 1000);
  return {
    el,
    update(c) {
      if (c.full || c.ids.has(alertId)) refresh();
    },
    setLive() {
      actions.querySelectorAll<HTMLButtonElement>("button[data-action]").forEach((b) => (b.disabled = !can(b.dataset.action as Action)));
    },
    key: handleKey,
    destroy: () => clearInterval(tick),
  };
}
