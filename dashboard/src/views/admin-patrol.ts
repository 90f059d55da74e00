/**
 * The patrol roster of a community: the people a dispatcher can send, with the phone their SMS link
 * goes to. Supervisors keep it as well as administrators. A member who leaves is retired, not
 * deleted: past dispatches still name them.
 */
import { api } from "../api";
import { h, mount } from "../dom";
import { t } from "../i18n";
import { pagedList } from "../paged";
import { toast } from "../toast";
import { adminForm, confirmed, type Field } from "./admin-form";
import { langName, languageOptions } from "./admin-household-forms";
import { failureText } from "./admin-http";
import { keepInUrl, placePicker } from "./admin-places";
import type { View, ViewContext } from "./view";

interface Member { id: number; communityId: number; name: string; phone: string; language: "zh-CN" | "en" }

const memberFields = (m?: Member): Field[] => [
  { name: "name", label: "adName", required: true, value: m?.name },
  { name: "phone", label: "rcPhone", required: true, value: m?.phone, placeholder: t("adPhoneHint") },
  { name: "language", label: "adLanguage", kind: "select", options: languageOptions(), value: m?.language ?? "zh-CN" },
];

export function adminPatrol(_ctx: ViewContext, params: URLSearchParams): View {
  const picker = placePicker({ depth: 1, params });
  const rows = h("tbody", {});
  const formSlot = h("div", { class: "patrol-form" });
  const url = () => {
    const c = picker.picked().communityId;
    return c ? `/api/patrol?communityId=${c}` : null;
  };
  const paged = pagedList<Member>(rows, (ms) => ms.map((m) => row(m)), { limit: 50, empty: () => (url() ? t("adNoPatrol") : t("adPickPlace")) });
  const reload = () => paged.load(url());

  const open = (m?: Member) => {
    const communityId = picker.picked().communityId;
    if (!communityId) return;
    mount(formSlot, adminForm({
      id: m ? `edit-patrol-${m.id}` : "new-patrol", fields: memberFields(m), submit: m ? "adSave" : "adCreate",
      onCancel: () => mount(formSlot, ""),
      onSubmit: async (v) => {
        if (m) await api("PATCH", `/api/patrol/${m.id}`, v);
        else await api("POST", "/api/patrol", { ...v, communityId });
        mount(formSlot, "");
        await reload();
      },
    }));
  };

  function row(m: Member): HTMLElement {
    return h("tr", { "data-patrol-id": m.id },
      h("td", {}, m.name), h("td", { class: "phone" }, m.phone), h("td", {}, langName(m.language)),
      h("td", { class: "row-actions" },
        h("button", { class: "btn link", type: "button", "data-do": "edit-patrol", onclick: () => open(m) }, t("adEdit")),
        h("button", { class: "btn link danger", type: "button", "data-do": "retire-patrol", onclick: () => {
          if (!confirmed(t("adConfirmRetire", { name: m.name }))) return;
          api("DELETE", `/api/patrol/${m.id}`).then(() => toast(t("adRetired", { name: m.name }))).then(reload)
            .catch((err: unknown) => toast(failureText(err), "error"));
        } }, t("adRetire"))));
  }

  const add = h("button", { class: "btn", type: "button", id: "add-patrol", onclick: () => open() }, `+ ${t("adAddPatrol")}`);
  picker.onChange((p) => {
    add.disabled = !p.communityId;
    mount(formSlot, "");
    keepInUrl("admin-patrol", p);
    void reload();
  });

  return {
    el: h("section", { class: "view admin-patrol" },
      picker.el, h("div", { class: "admin-bar" }, add), formSlot,
      h("table", { class: "grid-table", id: "patrol" },
        h("thead", {}, h("tr", {}, [t("adName"), t("rcPhone"), t("adLanguage")].map((x) => h("th", {}, x)), h("th", {}))), rows),
      paged.el),
  };
}
