/**
 * Technical alerts (devices offline past their window, low batteries, failed self-tests): a calm
 * lane of its own, never mixed with the alarms: its own colour and icon, a soft chime once per new
 * fault (main.ts), no pulse. Each card names the device, the place, the fault and since when, who
 * acknowledged it and whether the grid worker was texted. The lane sits in the queue and on the
 * technical page, which adds every device's supervision: standard or close watch, heartbeat, the
 * last self-test with its time, and the buttons to ask a self-test or change the watch.
 *
 * The open faults come from GET /api/faults (again after every snapshot) and then from the
 * `fault.*` events; events that arrive while the list loads are applied over it.
 */
import type { FaultView } from "@helpkey/shared/supervision";
import type { ConsoleEvent } from "@helpkey/shared";
import { api, query, type ApiError } from "../api";
import { age, clock, dateTime, h, mount } from "../dom";
import { place, t, type StringKey } from "../i18n";
import { isOnline } from "../live";
import type { Change } from "../store";
import { toast } from "../toast";
import type { DeviceHealthRow, Health } from "../types";
import { kindIcon } from "./kind-icon";
import { debounce, hasEvent, type View, type ViewContext } from "./view";

export interface TechnicalLane {
  el: HTMLElement;
  update(c: Change): void;
  setLive(on: boolean): void;
  destroy(): void;
}

const isFaultEvent = (e: ConsoleEvent) => e.type.startsWith("fault.") && e.fault !== undefined;

function acknowledgeFault(id: number): void {
  void api<FaultView>("POST", `/api/faults/${id}/acknowledge`, {})
    .then(() => toast(t("done", { action: t("aAcknowledge") })))
    .catch((err: ApiError) => toast(t("actionFailed", { msg: err.message }), "error"));
}

/** Who knows of it: acknowledged by whom, or the grid worker's text (sent, or when it goes). */
function faultState(f: FaultView): string {
  if (f.acknowledgedAt !== null) return t("faultAcked", { by: f.acknowledgedBy ?? "", t: clock(f.acknowledgedAt, false) });
  if (f.smsSentAt !== null) return t("faultTexted", { t: clock(f.smsSentAt, false) });
  if (f.smsDueAt !== null) return t("faultTextDue", { t: clock(f.smsDueAt, false) });
  return t("faultNoText");
}

function faultCard(f: FaultView, now: number): HTMLElement {
  return h("article", { class: `fault-card fault-${f.type}${f.acknowledgedAt !== null ? " fault-acked" : ""}`, "data-fault-id": f.id, "data-fault-type": f.type, "data-device-id": f.deviceId },
    h("div", { class: "card-icon" }, kindIcon("technical")),
    h("div", { class: "fault-kind" }, t(`f_${f.type}` as StringKey), f.detail ? h("div", { class: "muted" }, f.detail) : null),
    h("div", { class: "card-main" },
      h("h2", {}, place(f.address)),
      h("div", {}, `${t(`d_${f.deviceType}` as StringKey)} ${f.deviceId}`),
      h("div", { class: "muted" }, `${t("faultSince", { t: dateTime(f.raisedAt) })} · ${f.address.community}`),
    ),
    h("div", { class: "card-age" }, h("small", {}, t("faultFor")), h("b", { "data-since": f.raisedAt }, age(now - f.raisedAt))),
    h("div", { class: "fault-state" }, faultState(f)),
    h("div", { class: "card-actions" },
      f.acknowledgedAt === null ? h("button", { class: "btn", "data-action": "fault-ack", disabled: !isOnline(), onclick: () => acknowledgeFault(f.id) }, t("aAcknowledge")) : null),
  );
}

/** The lane of open technical alerts, oldest first; hidden while there is none unless `always`. */
export function technicalLane(o: { always?: boolean } = {}): TechnicalLane {
  const faults = new Map<number, FaultView>();
  const list = h("div", { class: "lane-list" });
  const count = h("span", { class: "lane-count" });
  const none = h("p", { class: "muted", hidden: true }, t("techNoFaults"));
  const el = h("section", { class: "lane lane-technical", id: "lane-technical", "data-lane": "technical", hidden: !o.always },
    h("h3", { class: "lane-title" }, kindIcon("technical"), t("laneTechnical"), " ", count), none, list);
  let loading: ConsoleEvent[] | null = null;

  const render = () => {
    const now = Date.now();
    const shown = [...faults.values()].sort((a, b) => a.raisedAt - b.raisedAt || a.id - b.id);
    mount(list, shown.map((f) => faultCard(f, now)));
    count.textContent = String(shown.length);
    el.hidden = shown.length === 0 && !o.always;
    none.hidden = shown.length > 0;
  };
  const apply = (e: ConsoleEvent) => {
    const f = e.fault!;
    if (f.clearedAt !== null) faults.delete(f.id);
    else faults.set(f.id, f);
  };
  const load = () => {
    loading = [];
    void api<FaultView[]>("GET", "/api/faults?state=open&limit=500").then((rows) => {
      faults.clear();
      for (const f of rows) faults.set(f.id, f);
      for (const e of loading ?? []) apply(e);
      loading = null;
      render();
    }).catch(() => (loading = null));
  };
  // ages tick without rebuilding the cards
  const tick = setInterval(() => {
    const now = Date.now();
    list.querySelectorAll<HTMLElement>(".card-age b[data-since]").forEach((b) => (b.textContent = age(now - Number(b.dataset.since))));
  }, 1000);
  load();
  return {
    el,
    update(c) {
      if (c.full) return load();
      const events = c.events.filter(isFaultEvent);
      if (events.length === 0) return;
      if (loading) loading.push(...events);
      else {
        events.forEach(apply);
        render();
      }
    },
    setLive: (on) => list.querySelectorAll<HTMLButtonElement>("button[data-action=fault-ack]").forEach((b) => (b.disabled = !on)),
    destroy: () => clearInterval(tick),
  };
}

type SupervisedRow = DeviceHealthRow & { supervisionS: number | null; windowS: number; keepaliveS: number; closeWindowS: number; selftestOk: boolean | null; selftestAt: number | null; faults: string[] };

const healths: Health[] = ["offline", "never_seen", "low_battery", "online"];

function selftestCell(d: SupervisedRow): string {
  if (d.selftestOk === null) return "—";
  return t(d.selftestOk ? "selftestPassed" : "selftestFailedAt", { t: dateTime(d.selftestAt) });
}

/** The technical page: the open faults, then every device's supervision, trouble first. */
export function technicalView(ctx: ViewContext): View {
  const lane = technicalLane({ always: true });
  const lead = ctx.me.role === "supervisor" || ctx.me.role === "admin";
  const healthSel = h("select", { id: "supervision-health", "aria-label": t("colState") },
    h("option", { value: "" }, t("allHealth")), healths.map((x) => h("option", { value: x }, t(`h_${x}` as StringKey))));
  const table = h("div", {});
  const el = h("section", { class: "view view-technical" },
    h("h2", {}, t("techTitle")), lane.el, h("h3", {}, t("techDevices")), h("div", { class: "filters" }, healthSel), table);

  const act = (p: Promise<unknown>, done: string) => void p.then(() => (toast(done), refresh())).catch((err: ApiError) => toast(t("actionFailed", { msg: err.message }), "error"));
  const load = async () => {
    const r = await api<{ devices: SupervisedRow[] }>("GET", `/api/board/devices${query({ health: healthSel.value })}`);
    const rows = [...r.devices].sort((a, b) => b.faults.length - a.faults.length || healths.indexOf(a.health) - healths.indexOf(b.health));
    mount(table, h("table", { class: "grid-table supervision-table" },
      h("thead", {}, h("tr", {}, ["colDevice", "colWhere", "colState", "colSupervision", "colSelftest", "colFaults", "colActions"].map((k) => h("th", {}, t(k as StringKey))))),
      h("tbody", {}, rows.map((d) => h("tr", { "data-device-id": d.id, "data-health": d.health, "data-watch": d.supervisionS === null ? "standard" : "close" },
        h("td", {}, `${t(`d_${d.type}` as StringKey)} ${d.id}`),
        h("td", {}, place(d.address)),
        h("td", {}, h("span", { class: `badge h-${d.health}` }, t(`h_${d.health}` as StringKey)),
          d.health === "never_seen" ? null : h("div", { class: "muted" }, d.health === "offline" ? t("offlineSince", { t: dateTime(d.lastSeenAt) }) : dateTime(d.lastSeenAt))),
        h("td", {}, t(d.supervisionS === null ? "supStandard" : "supClose", { w: d.windowS }), h("div", { class: "muted" }, t("supHeartbeat", { k: d.keepaliveS }))),
        h("td", { class: d.selftestOk === false ? "selftest-failed" : "", "data-selftest": d.selftestOk === null ? "" : d.selftestOk ? "ok" : "failed" }, selftestCell(d)),
        h("td", {}, d.faults.map((f) => h("span", { class: "badge fault-badge" }, t(`f_${f}` as StringKey)))),
        h("td", { class: "row-actions" },
          h("button", { class: "btn", "data-action": "selftest", disabled: !d.online, onclick: () => act(api("POST", `/api/devices/${encodeURIComponent(d.id)}/selftest`), t("selftestAsked")) }, t("aSelftest")),
          lead ? h("button", {
            class: "btn link", "data-action": "watch",
            onclick: () => act(api("PATCH", `/api/devices/${encodeURIComponent(d.id)}/supervision`, { supervisionS: d.supervisionS === null ? d.closeWindowS : null }), t("done", { action: t("colSupervision") })),
          }, t(d.supervisionS === null ? "aCloseWatch" : "aStandardWatch")) : null),
      ))),
    ));
  };
  const refresh = debounce(() => void load().catch(() => undefined), 300);
  healthSel.addEventListener("change", () => void load());
  void load();
  return {
    el,
    update(c) {
      lane.update(c);
      if (hasEvent(c, (e) => e.type === "device.status" || e.type.startsWith("fault."))) refresh();
    },
    setLive: (on) => lane.setLive(on),
    destroy: () => lane.destroy(),
  };
}
