/**
 * The frame around every console page: counters (unclaimed, in progress, service, device trouble),
 * navigation, the live indicator, the language switch, the user. Counters come from the live store,
 * device trouble from the health board, refreshed by `device.status` events.
 */
import { countAlerts, enableSound, onSoundChange, soundBlocked } from "../alarm";
import { isDistrictOfficer } from "../escalations";
import { api } from "../api";
import { clock, h, mount } from "../dom";
import { currentLang, setLang, t, type StringKey } from "../i18n";
import { liveState, type Status } from "../live";
import { store } from "../store";
import type { Health, Me } from "../types";
import { seesAdmin } from "./admin-shell";
import { backlogBar } from "./backlog";
import { drillBanner } from "./drill-banner";
import { phoneBanner } from "./phone-banner";
import { debounce } from "./view";

export interface Shell {
  el: HTMLElement;
  main: HTMLElement;
  update(deviceEvent: boolean): void;
  setLive(s: Status, since: number | null): void;
  setRoute(name: string): void;
}

export function shell(me: Me, logout: () => void): Shell {
  const counter = (id: string, key: Parameters<typeof t>[0]) => h("div", { class: `counter ${id}`, id: `count-${id}` }, h("b", {}, "0"), h("span", {}, t(key)));
  const counters = h("div", { class: "counters" },
    counter("unclaimed", "cUnclaimed"), counter("progress", "cInProgress"), counter("service", "cService"), counter("devices", "cDevTrouble"));
  const live = h("span", { class: "live", id: "live-status" });
  const nav = h("nav", {}, ([["queue", "navQueue", "1"], ["devices", "navDevices", "2"], ["buildings", "navBuildings", "3"], ["history", "navHistory", "4"]] as const)
    .map(([r, key, k]) => h("a", { href: `#/${r}`, "data-route": r }, t(key), h("kbd", {}, k))),
    // device supervision: technical alerts and each device's watch
    h("a", { href: "#/technical", "data-route": "technical" }, t("navTechnical")),
    // the district command centre's page: its officers and the administrators
    isDistrictOfficer(me) || me.role === "admin" ? h("a", { href: "#/district", "data-route": "district" }, t("navDistrict")) : null);
  // drills: every console user reads their reports; supervisors start and end them
  nav.append(h("a", { href: "#/drills", "data-route": "drills" }, t("navDrills")));
  // the admin pages: administrators, and supervisors for the parts they may use
  if (seesAdmin(me.role)) nav.append(h("a", { href: "#/admin", "data-route": "admin" }, t("navAdmin")));
  // One click on the bar is the gesture the browser waits for; it hides itself once sound plays.
  const banner = h("button", { class: "sound-banner", id: "sound-banner", hidden: true, onclick: enableSound }, t("soundBlocked"));
  const stopSound = onSoundChange(() => {
    if (el.isConnected) banner.hidden = !soundBlocked();
    else stopSound();
  });
  const main = h("main", { id: "main" });
  const el = h("div", { class: "console" },
    h("header", { class: "top" },
      h("strong", { class: "brand" }, t("appName")), counters, backlogBar(), nav, live,
      h("button", { class: "btn link", id: "lang", onclick: () => setLang(currentLang() === "zh-CN" ? "en" : "zh-CN") }, t("language")),
      h("span", { class: "me" }, t("meLabel", { name: me.name, role: t(`role_${me.role}` as StringKey) })),
      h("button", { class: "btn link", id: "logout", onclick: logout }, t("logout"))),
    banner, phoneBanner(), drillBanner(), main,
    h("footer", { class: "keys no-print" }, t("shortcuts")));

  const set = (id: string, n: number) => {
    const c = el.querySelector(`#count-${id}`)!;
    c.querySelector("b")!.textContent = String(n);
    c.classList.toggle("hot", n > 0);
  };
  const loadDevices = debounce(() => {
    void api<{ counts: Record<Health, number> }>("GET", "/api/board/devices").then((r) => set("devices", r.counts.offline + r.counts.low_battery)).catch(() => undefined);
  }, 500);

  const update = (deviceEvent: boolean) => {
    const c = countAlerts(store.queue());
    set("unclaimed", c.unclaimed);
    set("progress", c.inProgress);
    set("service", c.service);
    banner.hidden = !soundBlocked();
    if (deviceEvent) loadDevices();
  };
  const setLive = (s: Status, since: number | null) => {
    const on = s === "live";
    live.className = `live ${on ? "on" : "off"}`;
    mount(live, on ? t("live") : since ? t("offlineSinceLive", { t: clock(since, false) }) : t("offline"));
  };
  const now = liveState();
  setLive(now.status, now.since);
  update(true);
  return {
    el, main, update, setLive,
    setRoute: (name) => nav.querySelectorAll("a").forEach((a) => a.classList.toggle("active", a.dataset.route === name)),
  };
}
