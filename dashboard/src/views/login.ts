/** Log in. The password goes to the gateway once; the session lives in an httpOnly cookie. */
import { api, ApiError } from "../api";
import { h } from "../dom";
import { askNotificationPermission } from "../desktop-notify";
import { currentLang, setLang, t } from "../i18n";
import type { Me } from "../types";

export function loginView(onDone: (me: Me) => void): HTMLElement {
  const user = h("input", { name: "username", autocomplete: "username", required: true, autofocus: true });
  const pass = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const error = h("p", { class: "error", id: "login-error", role: "alert" });
  const form = h("form", { class: "login", id: "login-form" },
    h("h1", {}, t("appName")),
    h("label", {}, h("span", {}, t("username")), user),
    h("label", {}, h("span", {}, t("password")), pass),
    h("button", { class: "btn primary", type: "submit" }, t("login")),
    error,
    h("button", { class: "btn link", type: "button", id: "lang", onclick: () => setLang(currentLang() === "zh-CN" ? "en" : "zh-CN") }, t("language")),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    // Asked inside the click, when browsers show the question; an alarm must reach a minimised console.
    askNotificationPermission();
    error.textContent = "";
    api("POST", "/api/session", { username: user.value.trim(), password: pass.value })
      .then(() => api<Me>("GET", "/api/session"))
      .then(onDone)
      .catch((err: unknown) => (error.textContent = t("loginFailed", { msg: err instanceof ApiError ? err.message : String(err) })));
  });
  return h("main", { class: "login-page" }, form);
}
