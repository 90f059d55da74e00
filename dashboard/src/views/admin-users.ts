/**
 * Console accounts: who may log in, with which role, seeing which communities (dispatchers and
 * supervisors) or districts (district command centres). Accounts are disabled, never deleted: their
 * names stay on what they did. A change of role or scope logs the account out everywhere.
 */
import { api } from "../api";
import { h, mount } from "../dom";
import { t, type StringKey } from "../i18n";
import { fetchAll, pagedList } from "../paged";
import { toast } from "../toast";
import { adminForm, confirmed, type Field, type Values } from "./admin-form";
import { languageOptions } from "./admin-household-forms";
import { failureText } from "./admin-http";
import type { Community } from "./admin-places";
import type { View, ViewContext } from "./view";

const roles = ["dispatcher", "supervisor", "district", "admin"] as const;
type Role = (typeof roles)[number];
interface User {
  id: number; username: string; name: string; role: Role; language: "zh-CN" | "en";
  communityIds: number[] | null; districtIds: number[]; disabled: boolean;
}
interface District { id: number; name: string }

const roleLabel = (r: Role) => t(`adRole_${r}` as StringKey);
const scoped = (v: Values) => v.role === "dispatcher" || v.role === "supervisor";

function userFields(communities: Community[], districts: District[], u?: User): Field[] {
  return [
    ...(u ? [] : [{ name: "username", label: "username" as StringKey, required: true }]),
    { name: "name", label: "adName", required: true, value: u?.name },
    { name: "password", label: u ? "adNewPassword" : "password", kind: "password", required: !u, placeholder: u ? t("adPasswordKeep") : t("adPasswordHint") },
    { name: "role", label: "adRole", kind: "select", options: roles.map((r) => [r, roleLabel(r)] as const), value: u?.role ?? "dispatcher" },
    { name: "communityIds", label: "adCommunities", kind: "checks", options: communities.map((c) => [String(c.id), c.name] as const), value: u?.communityIds ?? [], showIf: scoped },
    { name: "districtIds", label: "adDistricts", kind: "checks", options: districts.map((d) => [String(d.id), d.name] as const), value: u?.districtIds ?? [], showIf: (v) => v.role === "district" },
    { name: "language", label: "adLanguage", kind: "select", options: languageOptions(), value: u?.language ?? "zh-CN" },
  ];
}

export function adminUsers(_ctx: ViewContext): View {
  const rows = h("tbody", {});
  const formSlot = h("div", { class: "user-form" });
  let communities: Community[] = [];
  let districts: District[] = [];
  const names = (ids: number[], from: { id: number; name: string }[]) => ids.map((i) => from.find((x) => x.id === i)?.name ?? `#${i}`).join("、");

  const paged = pagedList<User>(rows, (users) => users.map((u) => row(u)), { limit: 50, empty: () => t("adNone") });
  const reload = () => paged.load("/api/users");
  // a role's scope goes with it: the other kind of scope is cleared by the gateway
  const body = (v: Values) => ({ ...v, ...(scoped(v) ? { districtIds: [] } : v.role === "district" ? { communityIds: [] } : { communityIds: [], districtIds: [] }) });

  const open = (u?: User) => mount(formSlot, adminForm({
    id: u ? `edit-user-${u.id}` : "new-user", fields: userFields(communities, districts, u), submit: u ? "adSave" : "adCreate",
    onCancel: () => mount(formSlot, ""),
    onSubmit: async (v) => {
      if (u) await api("PATCH", `/api/users/${u.id}`, body(v));
      else await api("POST", "/api/users", body(v));
      toast(t(u ? "adSaved" : "adUserCreated", { name: String(v.name) }));
      mount(formSlot, "");
      await reload();
    },
  }));

  function row(u: User): HTMLElement {
    return h("tr", { "data-user-id": u.id, class: u.disabled ? "disabled" : "" },
      h("td", {}, u.username), h("td", {}, u.name), h("td", {}, roleLabel(u.role)),
      h("td", {}, u.role === "district" ? names(u.districtIds, districts) : u.communityIds === null ? t("adAllCommunities") : names(u.communityIds, communities)),
      h("td", {}, u.disabled ? t("adDisabled") : t("adActive")),
      h("td", { class: "row-actions" }, u.disabled ? null : [
        h("button", { class: "btn link", type: "button", "data-do": "edit-user", onclick: () => open(u) }, t("adEdit")),
        h("button", { class: "btn link danger", type: "button", "data-do": "disable-user", onclick: () => {
          if (!confirmed(t("adConfirmDisable", { name: u.username }))) return;
          api("DELETE", `/api/users/${u.id}`).then(reload).catch((err: unknown) => toast(failureText(err), "error"));
        } }, t("adDisable")),
      ]));
  }

  void Promise.all([fetchAll<Community>("/api/communities"), fetchAll<District>("/api/districts").catch(() => [])]).then(([c, d]) => {
    communities = c;
    districts = d;
    return reload();
  });

  return {
    el: h("section", { class: "view admin-users" },
      h("div", { class: "admin-bar" }, h("button", { class: "btn", type: "button", id: "add-user", onclick: () => open() }, `+ ${t("adAddUser")}`)),
      formSlot,
      h("table", { class: "grid-table", id: "users" },
        h("thead", {}, h("tr", {}, ["username", "adName", "adRole", "adScope", "state"].map((k) => h("th", {}, t(k as StringKey))), h("th", {}))), rows),
      paged.el),
  };
}
