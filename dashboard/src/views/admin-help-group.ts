/**
 * One help group (楼栋单元组群) on the groups page: the building or unit it is bound to and its
 * members in call order, with the administrator's add and remove. The card reads itself again
 * after each change.
 */
import { api } from "../api";
import { h, mount } from "../dom";
import { t } from "../i18n";
import { toast } from "../toast";
import { adminForm, confirmed, type Field } from "./admin-form";
import { langName, languageOptions } from "./admin-household-forms";
import { failureText } from "./admin-http";

export const helpRoles = ["neighbour", "volunteer", "grid_worker"] as const;
export interface HelpMember { id: number; groupId: number; name: string; phone: string; role: (typeof helpRoles)[number]; priority: number; language: "zh-CN" | "en" }
export interface HelpGroup { id: number; communityId: number; name: string; scope: "building" | "unit"; refId: number; members: HelpMember[] }

const memberFields = (): Field[] => [
  { name: "name", label: "adName", required: true },
  { name: "phone", label: "rcPhone", required: true, placeholder: t("adPhoneHint") },
  { name: "role", label: "adContactRole", kind: "select", options: helpRoles.map((r) => [r, t(`adHr_${r}`)] as const), value: "neighbour" },
  { name: "priority", label: "adPriority", kind: "number", min: 1, max: 9, value: 1, required: true },
  { name: "language", label: "adLanguage", kind: "select", options: languageOptions(), value: "zh-CN" },
];

export function helpGroupCard(first: HelpGroup, o: { admin: boolean; placeName(g: HelpGroup): string; removed(): void }): HTMLElement {
  const card = h("article", { class: "box help-group", "data-group-id": first.id });
  const formSlot = h("div", {});
  let g = first;
  const refresh = async () => {
    g = await api<HelpGroup>("GET", `/api/help-groups/${g.id}`);
    render();
  };
  const fail = (err: unknown) => toast(failureText(err), "error");

  const memberRow = (m: HelpMember) => h("tr", { "data-member-id": m.id },
    h("td", {}, m.priority), h("td", {}, m.name), h("td", { class: "phone" }, m.phone), h("td", {}, t(`adHr_${m.role}`)), h("td", {}, langName(m.language)),
    o.admin ? h("td", { class: "row-actions" }, h("button", { class: "btn link danger", type: "button", "data-do": "remove-member", onclick: () => {
      if (!confirmed(t("adConfirmRemove", { name: m.name }))) return;
      api("DELETE", `/api/help-groups/${g.id}/members/${m.id}`).then(refresh).catch(fail);
    } }, t("adRemove"))) : null);

  const render = () => mount(card,
    h("h3", {}, g.name, h("small", { class: "muted" }, ` · ${t(g.scope === "building" ? "building" : "adUnit")} ${o.placeName(g)}`),
      o.admin ? h("span", { class: "hh-actions" },
        h("button", { class: "btn link", type: "button", "data-do": "add-member", onclick: () => mount(formSlot, adminForm({
          id: `add-member-${g.id}`, fields: memberFields(), submit: "adCreate", onCancel: () => mount(formSlot, ""),
          onSubmit: async (v) => {
            await api("POST", `/api/help-groups/${g.id}/members`, v);
            mount(formSlot, "");
            await refresh();
          },
        })) }, `+ ${t("adAddMember")}`),
        h("button", { class: "btn link danger", type: "button", "data-do": "delete-group", onclick: () => {
          if (!confirmed(t("adConfirmDelete", { what: g.name }))) return;
          api("DELETE", `/api/help-groups/${g.id}`).then(() => {
            card.remove();
            o.removed();
          }).catch(fail);
        } }, t("adDelete"))) : null),
    g.members.length
      ? h("table", { class: "grid-table compact" },
        h("thead", {}, h("tr", {}, [t("adPriority"), t("adName"), t("rcPhone"), t("adContactRole"), t("adLanguage")].map((x) => h("th", {}, x)), o.admin ? h("th", {}) : null)),
        h("tbody", {}, g.members.map(memberRow)))
      : h("p", { class: "muted" }, t("adNoMembers")),
    formSlot);
  render();
  return card;
}
