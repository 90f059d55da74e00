/**
 * One alert, led by who is going (see who-is-going.ts): household, device, every contact's notification timeline live,
 * the audit trail, and the actions: acknowledge, dispatch patrol (pick a member: SMS + link), on site,
 * resolve with outcome and note, cancel. A service request instead is claimed, noted and marked done.
 * Below the actions, messages to the household's TV (and every TV of its building). Keys: a, d, o, r, x (see shortcuts.ts).
 */
import type { Outcome } from "@helpkey/shared";
import { act, addNote, dispatchPatrol, markDone, markReal, type Action } from "../actions";
import { api, ApiError } from "../api";
import { age, h, mount } from "../dom";
import { place, t, type StringKey } from "../i18n";
import { isOnline } from "../live";
import { categoryName } from "../service";
import { toast } from "../toast";
import type { GridBuilding, PatrolMember, Report } from "../types";
import { deviceBlock, householdBlock, respondersBlock } from "./facts";
import { auditTrail, contactTimelines } from "./timeline";
import { goingLine } from "./going-line";
import { residentCard } from "./resident-card";
import { tvPanel } from "./tv-messages";
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

  // A service request is claimed, noted and done: no patrol, no on-site step, no outcome to pick.
  const doDone = () => can("resolve") && void markDone(alertId, note.value.trim()).then((ok) => ok && (note.value = ""));
  const doNote = () => {
    if (!report || !isOnline() || report.alert.state === "resolved" || report.alert.state === "cancelled") return;
    if (!note.value.trim()) return void toast(t("noteEmpty"), "warn");
    void addNote(alertId, note.value.trim()).then((ok) => ok && ((note.value = ""), refresh()));
  };
  const button = (a: Action, key: string, onclick: () => unknown, cls = "btn", label: StringKey = `a${a[0]!.toUpperCase()}${a.slice(1)}` as StringKey) =>
    h("button", { class: cls, "data-action": a, title: key, onclick }, t(label), h("kbd", {}, key));
  const claim = button("acknowledge", "A", () => void act(alertId, "acknowledge"), "btn primary");
  const alarmOnly = [h("span", { class: "group" }, patrolSel, button("dispatch", "D", doDispatch)), button("arrive", "O", () => void act(alertId, "arrive")), outcomeSel, button("resolve", "R", doResolve, "btn good")];
  const serviceOnly = [h("button", { class: "btn", "data-action": "note", onclick: doNote }, t("aNote")), h("button", { class: "btn good", "data-action": "done", title: "R", onclick: doDone }, t("aDone"), h("kbd", {}, "R"))];
  // Built once: a live event re-renders the facts below, never the field the dispatcher is typing in.
  const actions = h("div", { class: "actions" },
    claim, alarmOnly[0], alarmOnly[1],
    h("span", { class: "group" }, alarmOnly[2], note, alarmOnly[3], serviceOnly[0], serviceOnly[1]),
    button("cancel", "X", doCancel, "btn danger"),
  );
  const tv = tvPanel();
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
      h("h1", {}, `${categoryName(a) ?? t(`k_${a.kind}` as StringKey)} #${a.id} — ${place(a.address)}`),
      goingLine(a, report.notifications, Date.now(), "alert-going"),
      h("span", { class: `badge s-${a.state}`, id: "alert-state" }, t(`s_${a.state}` as StringKey), a.acknowledgedBy ? ` · ${t("ackBy", { by: a.acknowledgedBy })}` : ""),
      live ? h("span", { class: "age" }, `${t("ageLabel")} ${age(Date.now() - a.firstPressAt)}`) : h("span", { class: "muted" }, a.outcome ? t(`o_${a.outcome}` as StringKey) : ""),
      a.pressCount > 1 ? h("span", { class: "presses" }, t("presses", { n: a.pressCount })) : null,
      a.drillId && live ? [h("span", { class: "badge drill", "data-drill": a.drillId }, t("drillBadge")),
        h("button", { class: "btn danger", "data-action": "real", disabled: !isOnline(), onclick: () => void markReal(alertId).then((ok) => ok && refresh()) }, t("aReal"))] : null,
    );
    actions.hidden = !live;
    claim.childNodes[0]!.textContent = t(a.kind === "service" ? "aClaim" : "aAcknowledge");
    for (const e of alarmOnly) e.hidden = a.kind === "service";
    for (const e of serviceOnly) e.hidden = a.kind !== "service";
    note.placeholder = t(a.kind === "service" ? "doneNote" : "note");
    enable();
    mount(body,
      h("div", { class: "cols" },
        h("div", { class: "col" }, householdBlock(report), residentCard(report), deviceBlock(report), respondersBlock(report)),
        h("div", { class: "col wide" }, h("section", { class: "box" }, h("h3", {}, t("contacts")), contactTimelines(report))),
      ),
      h("section", { class: "box" }, h("h3", {}, t("audit"), " ", h("a", { href: `#/report/${alertId}` }, t("aReport"))), auditTrail(report)),
    );
    if (head.parentNode !== el) mount(el, head, actions, tv.el, body);
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
        void aimTv(report);
        // the roster comes in pages by id; a dispatcher looks names up alphabetically
        patrol = (await api<PatrolMember[]>("GET", `/api/patrol?communityId=${report.alert.communityId}&limit=500`)).sort((a, b) => a.name.localeCompare(b.name, document.documentElement.lang));
        mount(patrolSel, h("option", { value: "" }, patrol.length ? t("pickPatrol") : t("noPatrol")), patrol.map((m) => h("option", { value: m.id }, `${m.name} · ${m.phone}`)));
      }
      render();
    } catch (err) {
      mount(el, h("p", { class: "error" }, err instanceof ApiError ? err.message : String(err)));
    }
  };
  const refresh = debounce(() => void load(), 120);
  const enable = () => actions.querySelectorAll<HTMLButtonElement>("button[data-action]").forEach((b) => {
    const a = b.dataset.action;
    b.disabled = a === "note" ? !isOnline() : !can((a === "done" ? "resolve" : a) as Action);
  });
  /** The TV panel names the household and, once the board says which building it is in, the building. */
  const aimTv = async (r: Report) => {
    const household = { householdId: r.alert.householdId, place: place(r.alert.address) };
    tv.setTarget({ ...household, building: null });
    const bs = await api<GridBuilding[]>("GET", "/api/board/buildings").catch(() => [] as GridBuilding[]);
    const b = bs.find((x) => x.units.some((u) => u.cells.some((c) => c.householdId === r.alert.householdId)));
    if (b) tv.setTarget({ ...household, building: { id: b.id, name: b.name } });
  };

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
      tv.update(c);
    },
    setLive: enable,
    key: handleKey,
    destroy: () => clearInterval(tick),
  };
}
