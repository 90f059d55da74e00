/**
 * The responder page: phone-sized, no login. Opened from the dispatch SMS link
 * `/r/<token>`; the signed token is the only credential and the gateway refuses it after resolution
 * or expiry. Shows where to go, who pressed, who else is coming; three big steps that only go
 * forward (a step done is ticked and stays disabled), "resolved" after a confirmation with the outcome.
 * Speaks the patrol member's language (or the phone's) until they switch.
 */
import "./style.css";
import { api, ApiError } from "./api";
import { clock, h, mount } from "./dom";
import { currentLang, onLangChange, place, setLang, t, type Lang, type StringKey } from "./i18n";

type Status = "dispatched" | "on_way" | "arrived" | "resolved";
type Step = "on-way" | "arrived" | "resolved";
type Outcome = "real" | "false_alarm" | "test";

interface ResponderView {
  alertId: number;
  kind: string;
  state: string;
  address: { community: string; building: string; unit: string; room: string };
  residents: string[];
  notes: string | null;
  firstPressAt: number;
  pressCount: number;
  device: { type: string } | null;
  acknowledgedBy: string | null;
  me: { name: string; status: Status; dispatchedBy: string; expiresAt: number; language: Lang | null };
  othersGoing: { name: string; status: string }[];
  centre: { name: string; phone: string | null };
  outcome: Outcome | null;
}

const token = decodeURIComponent(location.pathname.split("/").pop() ?? "");
const root = document.getElementById("app")!;
const chosen = localStorage.getItem("hk-lang") !== null;
let last: ResponderView | null = null;
/** Why the link cannot be used (a string key), or null. */
let gone: StringKey | null = null;
let confirming = false;
let busy = false;

const steps: { step: Step; status: Status; key: StringKey }[] = [
  { step: "on-way", status: "on_way", key: "rOnWay" },
  { step: "arrived", status: "arrived", key: "rArrived" },
  { step: "resolved", status: "resolved", key: "rResolved" },
];
const rank: Record<Status, number> = { dispatched: 0, on_way: 1, arrived: 2, resolved: 3 };
const outcomes: Outcome[] = ["real", "false_alarm", "test"];

/** The member's language, else the phone's, unless they picked one on this page before. */
function followLanguage(member: Lang | null): void {
  if (chosen) return;
  const wanted: Lang = member ?? (navigator.language.toLowerCase().startsWith("zh") ? "zh-CN" : "en");
  if (wanted !== currentLang()) setLang(wanted);
}

const callCentre = (c: { name: string; phone: string | null } | undefined) =>
  c?.phone ? h("a", { class: "btn big call", id: "call-centre", href: `tel:${c.phone}` }, t("rCallCentre"), h("small", {}, ` ${c.phone}`)) : h("p", { class: "muted" }, t("rCall"));

function render(): void {
  const langBtn = h("button", { class: "btn link", id: "lang", onclick: () => setLang(currentLang() === "zh-CN" ? "en" : "zh-CN") }, t("language"));
  if (gone || !last) {
    mount(root, h("main", { class: "responder-page closed", id: "responder", "data-state": "closed", "data-reason": gone ?? "loading" },
      langBtn, h("h1", {}, gone ? t(gone) : "…"), gone ? h("p", {}, t("rGoneHelp")) : null, gone && last ? callCentre(last.centre) : null));
    return;
  }
  const v = last;
  const closed = v.state === "resolved" || v.state === "cancelled";
  const mine = rank[v.me.status];
  const stepButton = (s: (typeof steps)[number], i: number) => {
    const done = mine > i;
    const next = mine === i;
    return h("button", {
      class: `btn big step${done ? " done" : next ? " primary" : ""}`, "data-step": s.step, "data-done": done ? "1" : null,
      disabled: closed || done || busy, "aria-pressed": done ? "true" : null,
      onclick: () => (s.step === "resolved" ? ((confirming = true), render()) : void send(s.step)),
    }, done ? `${t(s.key)} ✓` : t(s.key));
  };
  const outcomeSel = h("select", { id: "outcome", "aria-label": t("outcome") }, outcomes.map((o) => h("option", { value: o }, t(`o_${o}` as StringKey))));
  const note = h("input", { id: "resolve-note", placeholder: t("note"), maxlength: 1000 });
  const confirmBox = h("section", { class: "confirm-resolve", id: "confirm-resolve" },
    h("h2", {}, t("rConfirmResolve")),
    h("label", {}, h("span", {}, t("outcome")), outcomeSel),
    h("label", {}, h("span", {}, t("note")), note),
    h("div", { class: "steps" },
      h("button", { class: "btn big good", id: "confirm-resolved", disabled: busy, onclick: () => void send("resolved", { outcome: outcomeSel.value as Outcome, ...(note.value.trim() ? { note: note.value.trim() } : {}) }) }, t("rConfirm")),
      h("button", { class: "btn big", id: "cancel-resolved", onclick: () => ((confirming = false), render()) }, t("rBack"))));
  mount(root, h("main", { class: `responder-page kind-${v.kind}`, id: "responder", "data-state": closed ? "closed" : v.state, "data-status": v.me.status },
    langBtn,
    h("h1", {}, `${t(`k_${v.kind}` as StringKey)} #${v.alertId}`),
    h("div", { class: "where" }, h("b", {}, place(v.address)), h("div", { class: "muted" }, v.address.community)),
    h("section", {}, h("h2", {}, t("rWho")),
      h("div", {}, v.residents.join("、") || "—", ` · ${clock(v.firstPressAt, false)}`, v.device ? ` · ${t(`d_${v.device.type}` as StringKey)}` : "",
        v.pressCount > 1 ? ` · ${t("presses", { n: v.pressCount })}` : ""),
      v.notes ? h("div", { class: "notes" }, v.notes) : null),
    h("section", {}, h("h2", {}, t("rOthers")),
      v.othersGoing.length
        ? h("ul", { class: "others" }, v.othersGoing.map((o) => h("li", {}, `${o.name} · ${t(`r_${o.status}` as StringKey)}`)))
        : h("div", { class: "muted" }, t("rNobody"))),
    h("p", { class: "me" }, t("rYou", { name: v.me.name, status: t(`r_${v.me.status}` as StringKey) }), h("br"), h("small", { class: "muted" }, t("rSentBy", { by: v.me.dispatchedBy }))),
    closed
      ? h("p", { class: "closed-note" }, t("rClosed"), v.outcome ? ` ${t("rOutcome", { outcome: t(`o_${v.outcome}` as StringKey) })}` : "")
      : confirming ? confirmBox : h("ol", { class: "steps progress" }, steps.map((s, i) => h("li", {}, stepButton(s, i)))),
    callCentre(v.centre),
  ));
}

/** What a refused link means to the person holding it, never the server's own words. */
function fail(err: unknown): void {
  if (!(err instanceof ApiError)) {
    // No answer (no signal on the stairs): keep what is shown, and say so only when there is nothing yet.
    if (!last) gone = "rNetwork";
    render();
    return;
  }
  const byCode: Record<string, StringKey> = { HK_LINK_EXPIRED: "rExpired", HK_ALERT_CLOSED: "rClosed", HK_LINK_WITHDRAWN: "rWithdrawn" };
  gone = byCode[err.code] ?? (err.status === 401 ? "rInvalid" : err.status === 400 ? "rDamaged" : err.status === 409 ? null : "rNetwork");
  if (err.status === 409) void load(); // someone else moved the alert on: show where it is now
  render();
}

async function send(step: Step, body: { outcome: Outcome; note?: string } | Record<string, never> = {}): Promise<void> {
  busy = true;
  render();
  try {
    last = await api<ResponderView>("POST", `/api/responder/${encodeURIComponent(token)}/${step}`, body);
    confirming = false;
  } catch (err) {
    busy = false;
    return fail(err);
  }
  busy = false;
  render();
}

async function load(): Promise<void> {
  try {
    last = await api<ResponderView>("GET", `/api/responder/${encodeURIComponent(token)}`);
    gone = null;
    followLanguage(last.me.language);
    render();
  } catch (err) {
    if (!last) followLanguage(null);
    fail(err);
  }
}

onLangChange(render);
void load();
// Who else is going changes while the member walks over: look again now and then (not while confirming).
setInterval(() => (gone === null || gone === "rNetwork") && !confirming && !busy && void load(), 15_000);
