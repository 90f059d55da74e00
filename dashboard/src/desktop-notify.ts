/**
 * A desktop notification for every new alarm that needs a person, so a dispatcher in another window
 * (or with the console minimised) sees it at once. Permission is asked right after login. A storm
 * gives one notification per frame ("12 new alarms"), replacing the previous one, never hundreds.
 */
import type { AlertView, ConsoleEvent } from "@helpkey/shared";
import { place, t, type StringKey } from "./i18n";
import { needsSomeone, type Change } from "./store";

const NEW_ALARM = new Set<ConsoleEvent["type"]>(["alert.created", "alert.reopened", "alert.overdue", "alert.real"]);
let shown: Notification | null = null;

export function askNotificationPermission(): void {
  if (!("Notification" in window) || Notification.permission !== "default") return;
  void Notification.requestPermission().catch(() => undefined);
}

export function notifyNewAlarms(c: Change, go: (hash: string) => void): void {
  if (c.full || !("Notification" in window) || Notification.permission !== "granted") return;
  const fresh = new Map<number, AlertView>();
  for (const e of c.events) {
    if (NEW_ALARM.has(e.type) && e.alert && e.alert.kind !== "service" && needsSomeone(e.alert)) fresh.set(e.alert.id, e.alert);
  }
  if (fresh.size === 0) return;
  const first = [...fresh.values()][0]!;
  const title = fresh.size === 1 ? `${t(`k_${first.kind}` as StringKey)} #${first.id}` : t("notifyMany", { n: fresh.size });
  const body = fresh.size === 1 ? `${place(first.address)} · ${first.residents.join("、")}` : [...fresh.values()].slice(0, 3).map((a) => place(a.address)).join("\n");
  try {
    shown?.close();
    shown = new Notification(title, { body, tag: "helpkey-alarm", requireInteraction: true });
    shown.onclick = () => {
      window.focus();
      go(fresh.size === 1 ? `#/alert/${first.id}` : "#/queue");
    };
  } catch {
    // Some browsers allow notifications only from a service worker: the sound and the title still say it.
  }
}
