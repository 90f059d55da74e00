/**
 * The first thing a dispatcher reads on a card: is a person on the way, and how do we know? A
 * contact's 1 on the call or SMS reply and a patrol member's "on my way" are going; a dispatcher's
 * acknowledge is the centre handling it, never going. Until then: how many contacts were reached,
 * who is being called, and when the next wave is due. A call answered and hung up without a key is
 * a warning (someone heard it, nobody said they are coming), not a success.
 *
 * Pure: the alert, its notifications and `now` in, string keys and values out (the view translates).
 */
import type { AlertView, NotificationView } from "@helpkey/shared";
import { age, clock } from "./dom";

type GoingTone = "going" | "onsite" | "handling" | "warn" | "nobody" | "closed";

type WhoKey =
  | "wgClosed" | "wgOnSite" | "wgGoingKey" | "wgGoingSms" | "wgGoingPatrol" | "wgHandling" | "wgDispatched"
  | "wgOverdue" | "wgNobody" | "wgReached" | "wgHungUp" | "wgCalling" | "wgNextCall";

interface WhoPart {
  key: WhoKey;
  vars: Record<string, string | number>;
}

interface WhoIsGoing {
  tone: GoingTone;
  /** The headline first, then details; the view joins them. */
  parts: WhoPart[];
}

/** Fields read from the alert; `cascadeDueAt` (the next wave's time) is used when the gateway sends it. */
export type GoingAlert = Pick<AlertView, "state" | "goingBy" | "goingVia" | "goingAt" | "acknowledgedBy" | "arrivedAt" | "overdueAt"> & { cascadeDueAt?: number | null };
export type GoingNote = Pick<NotificationView, "id" | "contactId" | "contactName" | "channel" | "purpose" | "status" | "updatedAt">;

/** The notifications that try to reach a contact about the alarm itself (not follow-up texts). */
const REACHING = new Set(["alarm", "call", "supervisor"]);
/** A person heard it: a delivered text, or a call someone picked up. */
const REACHED = new Set(["delivered", "in-progress", "answered", "pressed1", "pressed2", "completed"]);
const CALLING = new Set(["sent", "ringing", "in-progress", "answered"]);

const part = (key: WhoKey, vars: Record<string, string | number> = {}): WhoPart => ({ key, vars });

function reachSummary(notes: readonly GoingNote[]): { parts: WhoPart[]; hungUp: boolean } {
  const byContact = new Map<string, GoingNote[]>();
  for (const n of notes) {
    if (!REACHING.has(n.purpose)) continue;
    const who = n.contactId !== null ? `c${n.contactId}` : `n${n.contactName}`;
    const list = byContact.get(who) ?? [];
    list.push(n);
    byContact.set(who, list);
  }
  if (byContact.size === 0) return { parts: [], hungUp: false };
  let reached = 0;
  const hungUp: string[] = [];
  const calling: string[] = [];
  for (const list of byContact.values()) {
    if (list.some((n) => REACHED.has(n.status))) reached++;
    const calls = list.filter((n) => n.channel === "call");
    // "completed" without a key: the call was answered and ended with no 1 or 2 pressed.
    if (calls.some((n) => n.status === "completed") && !calls.some((n) => n.status === "pressed1" || n.status === "pressed2")) hungUp.push(list[0]!.contactName);
    if (calls.some((n) => CALLING.has(n.status))) calling.push(list[0]!.contactName);
  }
  const parts = [part("wgReached", { n: reached, m: byContact.size })];
  if (hungUp.length) parts.push(part("wgHungUp", { name: hungUp.join(", ") }));
  if (calling.length) parts.push(part("wgCalling", { name: calling.join(", ") }));
  return { parts, hungUp: hungUp.length > 0 };
}

export function whoIsGoing(a: GoingAlert, notes: readonly GoingNote[], now: number): WhoIsGoing {
  if (a.state === "resolved" || a.state === "cancelled") return { tone: "closed", parts: [part("wgClosed")] };
  if (a.arrivedAt) return { tone: "onsite", parts: [part("wgOnSite", { t: clock(a.arrivedAt, false) })] };
  if (a.overdueAt) {
    const reach = reachSummary(notes);
    return { tone: "nobody", parts: [part("wgOverdue", { name: a.goingBy ?? a.acknowledgedBy ?? "—" }), ...reach.parts] };
  }
  if (a.goingBy && a.state !== "open") {
    const vars = { name: a.goingBy, t: clock(a.goingAt, false) };
    const key: WhoKey = a.goingVia === "patrol" ? "wgGoingPatrol" : a.goingVia === "sms" ? "wgGoingSms" : "wgGoingKey";
    return { tone: "going", parts: [part(key, vars)] };
  }
  if (a.state === "responding") return { tone: "handling", parts: [part("wgDispatched", { by: a.acknowledgedBy ?? "—" })] };
  if (a.state === "acknowledged") {
    const reach = reachSummary(notes);
    return { tone: reach.hungUp ? "warn" : "handling", parts: [part("wgHandling", { by: a.acknowledgedBy ?? "—" }), ...reach.parts] };
  }
  const reach = reachSummary(notes);
  const parts = [part("wgNobody"), ...reach.parts];
  if (a.cascadeDueAt && a.cascadeDueAt > now) parts.push(part("wgNextCall", { in: age(a.cascadeDueAt - now) }));
  return { tone: reach.hungUp ? "warn" : "nobody", parts };
}
