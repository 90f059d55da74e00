/**
 * The dispatcher console: log in, then one WebSocket feeds every page; the hash picks the page
 * (#/queue, #/alert/12, #/devices, #/buildings, #/history, #/report/12). The alarm sounds from any
 * page while an alert is unclaimed.
 */
import "./style.css";
import { chime, countAlerts, setAlarm } from "./alarm";
import { api, setUnauthorizedHandler } from "./api";
import { mount } from "./dom";
import { onLangChange, t } from "./i18n";
import { askNotificationPermission, notifyNewAlarms } from "./desktop-notify";
import { districtAlarmCounts, isDistrictOfficer, loadEscalations, noteEscalations, onEscalationsChange } from "./escalations";
import { isOnline, onStatus, startLive, stopLive } from "./live";
import { installShortcuts } from "./shortcuts";
import { store, type Change } from "./store";
import { toast } from "./toast";
import type { Me } from "./types";
import { adminView } from "./views/admin-shell";
import { alertPage } from "./views/alert-page";
import { buildingsView } from "./views/buildings";
import { devicesView } from "./views/devices";
import { districtView } from "./views/district";
import { drillListView } from "./views/drill-list";
import { drillReportView } from "./views/drill-report";
import { historyView } from "./views/history";
import { loginView } from "./views/login";
import { queueView } from "./views/queue";
import { reportView } from "./views/report";
import { shell, type Shell } from "./views/shell";
import { technicalView } from "./views/technical";
import type { View, ViewContext } from "./views/view";

const root = document.getElementById("app")!;
let frame: Shell | null = null;
let view: View | null = null;
let uninstallKeys: (() => void) | null = null;

function route(ctx: ViewContext): void {
  if (!frame) return;
  const [path = "", qs = ""] = location.hash.replace(/^#\/?/, "").split("?");
  // a district officer lands on the district page; everyone else on the queue
  const home = isDistrictOfficer(ctx.me) ? "district" : "queue";
  const [name = home, arg] = (path || home).split("/");
  const params = new URLSearchParams(qs);
  view?.destroy?.();
  const id = Number(arg);
  view = name === "alert" && id ? alertPage(ctx, id, params.get("key"))
    : name === "report" && id ? reportView(ctx, id)
    : name === "devices" ? devicesView()
    : name === "buildings" ? buildingsView(ctx)
    : name === "history" ? historyView(ctx, params)
    : name === "admin" || name.startsWith("admin-") ? adminView(ctx, name, params)
    : name === "district" ? districtView(ctx)
    : name === "drills" ? (id ? drillReportView(ctx, id) : drillListView(ctx))
    : name === "technical" ? technicalView(ctx)
    : queueView(ctx);
  frame.setRoute(name === "alert" || name === "report" ? "queue" : name.startsWith("admin") ? "admin" : name);
  mount(frame.main, view.el);
  view.setLive?.(isOnline());
  window.scrollTo(0, 0);
}

/** A district officer's alarm sounds for escalated alarms only; everyone else's for every unclaimed alarm. */
const alarmCounts = () => (ctx && isDistrictOfficer(ctx.me) ? districtAlarmCounts(store.queue()) : countAlerts(store.queue()));

function onStoreChange(c: Change): void {
  noteEscalations(c);
  // after a snapshot the escalations before it are not replayed: the district dashboard lists them
  if (c.full && ctx && isDistrictOfficer(ctx.me)) void loadEscalations(store.alerts);
  setAlarm(alarmCounts());
  // a new technical alert: one soft chime, from any page (replayed events after a reconnect are old news)
  if (c.events.some((e) => e.type === "fault.raised" && Date.now() - e.ts < 60_000)) chime();
  frame?.update(c.events.some((e) => e.type === "device.status"));
  view?.update?.(c);
  if (ctx) notifyNewAlarms(c, ctx.go);
}

let ctx: ViewContext | null = null;

function showConsole(me: Me): void {
  const c: ViewContext = { me, go: (hash) => (location.hash === hash ? route(c) : void (location.hash = hash)) };
  ctx = c;
  frame = shell(me, () => void api("DELETE", "/api/session").finally(showLogin));
  mount(root, frame.el);
  route(c);
  uninstallKeys?.();
  uninstallKeys = installShortcuts({ go: c.go, view: (k) => view?.key?.(k) ?? false, help: () => toast(t("shortcuts")) });
  startLive();
  askNotificationPermission();
}

function showLogin(): void {
  ctx = null;
  stopLive();
  store.reset();
  setAlarm({ unclaimed: 0, service: 0, inProgress: 0 });
  view?.destroy?.();
  view = null;
  frame = null;
  uninstallKeys?.();
  uninstallKeys = null;
  mount(root, loginView(showConsole));
}

store.subscribe(onStoreChange);
onEscalationsChange(() => ctx && setAlarm(alarmCounts()));
window.addEventListener("hashchange", () => ctx && route(ctx));
onStatus((s, since) => {
  frame?.setLive(s, since);
  view?.setLive?.(s === "live");
});
// A language switch re-renders everything in place; the live state (store, socket) stays, and the
// new frame starts from the socket's current state.
onLangChange(() => (ctx ? showConsole(ctx.me) : showLogin()));
setUnauthorizedHandler(showLogin);

// A gateway that keeps refusing the WebSocket may mean the session ended (expired, account disabled).
let failures = 0;
onStatus((s) => {
  failures = s === "offline" ? failures + 1 : s === "live" ? 0 : failures;
  if (ctx && failures > 0 && failures % 5 === 0) {
    void api<Me>("GET", "/api/session").catch((err: { status?: number }) => err.status === 401 && showLogin());
  }
});

api<Me>("GET", "/api/session").then(showConsole).catch(showLogin);
// A console stays open for whole shifts and longer: keep the session (and its cookie) alive while it is.
setInterval(() => ctx && void api<Me>("GET", "/api/session").catch((err: { status?: number }) => err.status === 401 && showLogin()), 20 * 60_000);
