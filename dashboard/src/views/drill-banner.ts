/**
 * Says above every page while a drill runs in a community this user sees: "演练中 / Drill in
 * progress" with its name (and community), linking to its report. Asked of the gateway every 15 s,
 * whenever the console's socket comes back, when an alarm of a drill it does not know arrives, and
 * when this console starts or ends a drill.
 */
import type { DrillView } from "@helpkey/shared/drills";
import { api } from "../api";
import { h, mount } from "../dom";
import { t } from "../i18n";
import { onStatus } from "../live";
import { store } from "../store";
import { debounce } from "./view";

const POLL_MS = 15_000;
/** The event a drill page sends after starting or ending a drill. */
export const DRILLS_CHANGED = "hk-drills-changed";

export function drillBanner(): HTMLElement {
  const el = h("div", { class: "drill-banner", id: "drill-banner", role: "status", hidden: true });
  let known = new Set<number>();
  const show = (drills: DrillView[]) => {
    known = new Set(drills.map((d) => d.id));
    el.hidden = drills.length === 0;
    el.dataset.drills = [...known].join(",");
    mount(el, drills.map((d) => h("a", { href: `#/drills/${d.id}`, class: "drill-item", "data-drill-id": d.id }, t("drillBanner", { name: d.name, community: d.communityName }))));
  };
  const load = debounce(() => void api<DrillView[]>("GET", "/api/drills?running=true&limit=20").then(show).catch(() => undefined), 200);
  load();
  const timer = setInterval(() => (el.isConnected ? load() : stop()), POLL_MS);
  const onChanged = () => (el.isConnected ? load() : stop());
  window.addEventListener(DRILLS_CHANGED, onChanged);
  const unsubscribe = store.subscribe((c) => {
    if (!el.isConnected) return stop();
    if (c.events.some((e) => e.alert?.drillId && !known.has(e.alert.drillId))) load();
  });
  function stop(): void {
    clearInterval(timer);
    window.removeEventListener(DRILLS_CHANGED, onChanged);
    unsubscribe();
  }
  onStatus((s) => s === "live" && el.isConnected && load());
  return el;
}
