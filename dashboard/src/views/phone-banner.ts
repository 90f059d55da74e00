/**
 * Says, above every page, when nobody is really being phoned: the built-in demo network (calm), or a
 * phone channel that is down (red: the dispatcher must phone the families herself). Asked of the
 * gateway every 15 s and whenever the console's socket comes back.
 */
import { api } from "../api";
import { h, mount } from "../dom";
import { currentLang, t } from "../i18n";
import { onStatus } from "../live";

interface PhoneStatus {
  mode: "twilio" | "compatible" | "emulator" | "injected";
  ok: boolean;
  problem: string | null;
  since: number;
}

const POLL_MS = 15_000;

export function phoneBanner(): HTMLElement {
  const el = h("div", { class: "phone-banner", id: "phone-banner", hidden: true });
  const show = (p: PhoneStatus) => {
    el.hidden = p.ok && p.mode !== "emulator";
    el.className = `phone-banner ${p.ok ? "demo" : "down"}`;
    el.dataset.state = p.ok ? p.mode : "down";
    const since = new Date(p.since).toLocaleTimeString(currentLang(), { hour: "2-digit", minute: "2-digit" });
    const panel = p.ok && p.mode === "emulator" && panelUrl ? [" ", h("a", { href: panelUrl, target: "_blank", rel: "noopener", id: "phones-panel-link" }, t("phonesPanelLink"))] : [];
    mount(el, p.ok ? t("phoneEmulator") : t("phoneDown", { since, problem: p.problem ?? "" }), ...panel);
  };
  let panelUrl: string | null = null;
  const load = () => void api<{ phone: PhoneStatus; phonesPanel: string | null }>("GET", "/api/system").then((r) => {
    panelUrl = r.phonesPanel;
    show(r.phone);
  }).catch(() => undefined);
  load();
  const timer = setInterval(() => (el.isConnected ? load() : clearInterval(timer)), POLL_MS);
  onStatus((s) => s === "live" && el.isConnected && load());
  return el;
}
