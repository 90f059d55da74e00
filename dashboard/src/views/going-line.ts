/** The "who is going" line of a card and of the alert page, in the dispatcher's language. */
import type { AlertView, NotificationView } from "@helpkey/shared";
import { h } from "../dom";
import { t } from "../i18n";
import { whoIsGoing } from "../who-is-going";

export function goingText(a: AlertView, notes: readonly NotificationView[], now: number): { tone: string; text: string } {
  const w = whoIsGoing(a, notes, now);
  return { tone: w.tone, text: w.parts.map((p) => t(p.key, p.vars)).join(t("wgJoin")) };
}

export function goingLine(a: AlertView, notes: readonly NotificationView[], now: number, cls = "card-going"): HTMLElement {
  const g = goingText(a, notes, now);
  return h("div", { class: `${cls} going-${g.tone}`, "data-going": g.tone }, g.text);
}
