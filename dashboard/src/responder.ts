/**
 * The responder page (issue 5, point 6): phone-sized, no login. Opened from the dispatch SMS link
 * `/r/<token>`; the signed token is the only credential and the gateway refuses it after resolution
 * or expiry. Shows where to go, who pressed, who else is coming; three big buttons.
 */
import "./style.css";
import { api, ApiError } from "./api";
import { clock, h, mount } from "./dom";
import { currentLang, onLangChange, place, setLang, t, type StringKey } from "./i18n";

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
  me: { name: string; status: string; dispatchedBy: string; expiresAt: number };
  othersGoing: { name: string; status: string }[];
}

const token = decodeURIComponent(location.pathname.split("/").pop() ?? "");
const root = document.getElementById("app")!;
let last: ResponderView | null = null;
let gone: string | null = null;

function render(): void {
  const langBtn = h("button", { class: "btn link", id: "lang", onclick: () => setLang(currentLang() === "zh-CN" ? "en" : "zh-CN") }, t("language"));
  if (gone || !last) {
    mount(root, h("main", { class: "responder-page closed", id: "responder", "data-state": "closed" }, langBtn, h("h1", {}, gone ?? "…")));
    return;
  }
  const v = last;
  const closed = v.state === "resolved" || v.state === "cancelled";
  const step = (s: "on-way" | "arrived" | "resolved", key: StringKey, cls: string) =>
    h("button", { class: `btn big ${cls}`, "data-step": s, disabled: closed, onclick: () => void send(s) }, t(key));
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
    closed ? h("p", { class: "closed-note" }, t("rClosed")) : h("div", { class: "steps" },
      step("on-way", "rOnWay", "primary"), step("arrived", "rArrived", ""), step("resolved", "rResolved", "good")),
    h("p", { class: "muted" }, t("rCall")),
  ));
}

function fail(err: unknown): void {
  const status = err instanceof ApiError ? err.status : 0;
  gone = status === 410 ? (/expired/.test((err as Error).message) ? t("rExpired") : t("rClosed")) : status === 401 ? t("rInvalid") : String((err as Error).message);
  render();
}

async function send(step: "on-way" | "arrived" | "resolved"): Promise<void> {
  try {
    last = await api<ResponderView>("POST", `/api/responder/${encodeURIComponent(token)}/${step}`, {});
    render();
  } catch (err) {
    fail(err);
  }
}

async function load(): Promise<void> {
  try {
    last = await api<ResponderView>("GET", `/api/responder/${encodeURIComponent(token)}`);
    gone = null;
    render();
  } catch (err) {
    fail(err);
  }
}

onLangChange(render);
void load();
// Who else is going changes while the member walks over: look again now and then.
setInterval(() => !gone && void load(), 15_000);
