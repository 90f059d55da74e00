/**
 * The outbox's backlog in the console's header, while anything waits: per channel the notifications
 * waiting and the time to send them at the provider's rate ("SMS queue 412, about 7 min at the
 * current rate"). In a storm this tells the dispatcher that families are still being reached, and
 * how long that takes: the moment to start phoning them from the desk. Refreshed on notification
 * events (coalesced), and every half minute while something waits (the time counts down).
 */
import type { ChannelBacklogView, OutboxBacklog } from "@helpkey/shared";
import { api } from "../api";
import { clock, h, mount } from "../dom";
import { t } from "../i18n";
import { store } from "../store";
import { debounce, hasEvent } from "./view";

const REFRESH_WHILE_WAITING_MS = 30_000;

/** "7 min", "40 s": minutes once it is a minute or more. */
function duration(s: number): string {
  return s >= 60 ? t("etaMin", { n: Math.round(s / 60) }) : t("etaSec", { n: Math.max(1, Math.round(s)) });
}

function line(c: ChannelBacklogView): HTMLElement {
  const key = c.channel === "sms" ? "backlogSms" : c.channel === "call" ? "backlogCall" : "backlogControl";
  const text = c.etaS === null ? t(key === "backlogControl" ? key : `${key}NoEta`, { n: c.waiting }) : t(key, { n: c.waiting, eta: duration(c.etaS) });
  const paused = c.pausedUntil !== null && c.pausedUntil > Date.now() ? t("backlogPaused", { t: clock(c.pausedUntil) }) : "";
  return h("span", { class: `backlog-line ch-${c.channel}`, "data-channel": c.channel, "data-waiting": c.waiting }, text + paused);
}

/** The header's backlog; it stops by itself once its header is gone (a log-out, a language switch). */
export function backlogBar(): HTMLElement {
  const el = h("div", { class: "backlog", id: "backlog", hidden: true, role: "status" });
  let timer: ReturnType<typeof setTimeout> | null = null;
  let alive = true;
  const stop = () => {
    alive = false;
    unsubscribe();
    if (timer) clearTimeout(timer);
  };

  const load = async () => {
    const r = await api<OutboxBacklog>("GET", "/api/board/outbox").catch(() => null);
    if (!alive) return;
    if (!el.isConnected) return stop();
    if (!r) return;
    const waiting = r.channels.filter((c) => c.waiting > 0);
    mount(el, waiting.map(line));
    el.hidden = waiting.length === 0;
    if (timer) clearTimeout(timer);
    timer = waiting.length > 0 ? setTimeout(() => void load(), REFRESH_WHILE_WAITING_MS) : null;
  };
  const refresh = debounce(() => void load(), 1000);
  const unsubscribe = store.subscribe((c) => {
    if (hasEvent(c, (e) => e.type === "notification.updated")) refresh();
  });
  void load();
  return el;
}
