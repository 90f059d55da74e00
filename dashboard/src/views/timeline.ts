/**
 * What happened, readable: each contact's notifications as status steps with times (SMS sent →
 * delivered; call ringing → answered → pressed 1) and the audit trail. Used by the alert page and
 * the incident report alike.
 */
import type { NotificationView } from "@helpkey/shared";
import { clock, dateTime, h } from "../dom";
import { t, type StringKey } from "../i18n";
import type { Report, TrailEntry } from "../types";
import { relationName } from "./resident-card";

const status = (s: string) => t(`p_${s}` as StringKey);
/** "SMS", "Call", or "SMS (who is going)": the alarm text and the calls are the default, every other message says what it was for. */
const label = (n: { channel: string; purpose: string }) =>
  t(`ch_${n.channel}` as StringKey) + (n.purpose === "alarm" || n.purpose === "call" ? "" : ` (${t(`pur_${n.purpose}` as StringKey)})`);

/** Statuses that tell the dispatcher this person is coming, or cannot be reached. */
const good = new Set(["delivered", "answered", "pressed1", "completed"]);
const bad = new Set(["failed", "undelivered", "no-answer", "busy", "voicemail", "pressed2"]);

function steps(n: NotificationView, trail: TrailEntry[]): { status: string; ts: number }[] {
  const out: { status: string; ts: number }[] = [];
  for (const e of trail) {
    const x = e.notification;
    if (x?.id === n.id && out.at(-1)?.status !== x.status) out.push({ status: x.status, ts: e.ts });
  }
  return out.length ? out : [{ status: n.status, ts: n.updatedAt }];
}

function notificationLine(n: NotificationView, trail: TrailEntry[]) {
  // The alarm text and the calls are the default; every other message says what it was for.
  return h("li", { class: `notif ch-${n.channel}`, "data-notification-id": n.id, "data-status": n.status },
    h("span", { class: "ch" }, label(n)),
    ...steps(n, trail).map((s, i) =>
      h("span", { class: `step${good.has(s.status) ? " good" : bad.has(s.status) ? " bad" : ""}` }, i ? "→ " : "", status(s.status), h("small", {}, ` ${clock(s.ts)}`))),
    n.lastError ? h("span", { class: "muted" }, ` ${n.lastError}`) : null,
  );
}

/** One block per bound contact, then the people who are not contacts (patrol, supervisor). */
export function contactTimelines(r: Report): HTMLElement {
  const byContact = new Map<number, NotificationView[]>();
  const others: NotificationView[] = [];
  for (const n of r.notifications) {
    if (n.contactId !== null) byContact.set(n.contactId, [...(byContact.get(n.contactId) ?? []), n]);
    else others.push(n);
  }
  const blocks = r.household.contacts.map((c) =>
    h("div", { class: "contact", "data-contact-id": c.id },
      h("div", { class: "contact-head" }, h("b", {}, c.name), ` · ${relationName(c.relation)} · ${c.phone} · ${t("callOrder", { n: c.priority })}`),
      h("ul", {}, (byContact.get(c.id) ?? []).map((n) => notificationLine(n, r.trail))),
      byContact.has(c.id) ? null : h("div", { class: "muted" }, t("noNotifications")),
    ));
  const byName = new Map<string, NotificationView[]>();
  for (const n of others) byName.set(n.contactName, [...(byName.get(n.contactName) ?? []), n]);
  const otherBlocks = [...byName].map(([name, ns]) =>
    h("div", { class: "contact other" }, h("div", { class: "contact-head" }, h("b", {}, name)), h("ul", {}, ns.map((n) => notificationLine(n, r.trail)))));
  return h("div", { class: "timelines" }, blocks, otherBlocks.length ? [h("h3", {}, t("others")), ...otherBlocks] : null);
}

export function describe(e: TrailEntry): string {
  const n = e.notification;
  if (n) {
    if (n.purpose === "patrol" && n.status === "queued") return t("ev_patrolSent", { name: n.contactName });
    return t("ev_notification", { channel: label(n), name: n.contactName, status: status(n.status) });
  }
  if (e.type === "alert.dispatched" && e.responderStep === "on_way") return t("ev_on_way");
  const base = t(`ev_${e.type.replace(/^alert\./, "")}` as StringKey);
  const extra = [e.outcome ? t(`o_${e.outcome}` as StringKey) : "", e.note ?? ""].filter(Boolean).join(" · ");
  return extra ? `${base} — ${extra}` : base;
}

/** Notification steps the alert page's short trail keeps: the rest is in the contact timelines above it. */
const notable = (e: TrailEntry) => !e.notification || (e.notification.purpose === "patrol" && e.notification.status === "queued") || e.notification.status.startsWith("pressed") || e.notification.status === "failed";

/** The trail: in full (the incident report, with dates) or without the routine notification steps (the alert page). */
export function auditTrail(r: Report, full = false): HTMLElement {
  const entries = full ? r.trail : r.trail.filter(notable);
  return h("table", { class: "trail" },
    h("thead", {}, h("tr", {}, h("th", {}, t("colTime")), h("th", {}, t("colWho")), h("th", {}, t("colWhat")))),
    h("tbody", {}, entries.map((e) =>
      h("tr", { class: `ev ${e.type.replace(".", "-")}`, "data-type": e.type },
        h("td", {}, full ? dateTime(e.ts) : clock(e.ts)), h("td", {}, e.actor ?? t("system")), h("td", {}, describe(e))))),
  );
}
