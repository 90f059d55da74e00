/**
 * The registry's audit trail, newest first: who created, changed or deleted which record, and what
 * it was before and after. A change shows the fields that changed; the whole record is one click away.
 */
import { dateTime, h } from "../dom";
import { t, type StringKey } from "../i18n";
import { pagedList } from "../paged";
import { say } from "./admin-household-forms";
import { keepInUrl, placePicker } from "./admin-places";
import type { View, ViewContext } from "./view";

interface AuditRow {
  id: number; at: number; actor: string; userId: number | null; communityId: number | null;
  entity: string; entityId: string; action: "create" | "update" | "delete"; before: unknown; after: unknown;
}

const entities = ["community", "building", "unit", "household", "resident", "contact", "device", "patrol_member", "help_group", "help_group_member", "user", "district"];

const show = (v: unknown): string => (v === null || v === undefined ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v));
/** A time field (createdAt, maintenanceAt, …) as a date, the rest as stored. */
const shown = (key: string, v: unknown): string => (/At$/.test(key) && typeof v === "number" ? dateTime(v) : show(v));

/** The fields whose value differs (a create or delete: every field of the record there is). */
function changes(before: unknown, after: unknown): [string, unknown, unknown][] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => k !== "createdAt");
  return keys.filter((k) => show(b[k]) !== show(a[k])).map((k) => [k, b[k], a[k]]);
}

function auditRow(r: AuditRow): HTMLElement {
  const diff = changes(r.before, r.after);
  return h("tr", { "data-audit-id": r.id, "data-entity": r.entity, "data-action": r.action },
    h("td", { class: "nowrap" }, dateTime(r.at)), h("td", {}, r.actor),
    h("td", {}, `${say(`adEnt_${r.entity}`, r.entity)} #${r.entityId}`),
    h("td", {}, h("span", { class: `badge act-${r.action}` }, t(`adAct_${r.action}`))),
    h("td", { class: "audit-diff" },
      h("ul", {}, diff.slice(0, 8).map(([k, b, a]) => h("li", {}, h("b", {}, k), " ",
        r.action === "update" ? [h("span", { class: "was" }, shown(k, b)), " → ", h("span", { class: "now" }, shown(k, a))] : shown(k, r.action === "delete" ? b : a)))),
      diff.length > 8 ? h("span", { class: "muted" }, t("adMoreFields", { n: diff.length - 8 })) : null,
      h("details", {}, h("summary", {}, t("adWhole")),
        h("pre", {}, JSON.stringify({ before: r.before, after: r.after }, null, 2)))));
}

export function adminAudit(_ctx: ViewContext, params: URLSearchParams): View {
  const picker = placePicker({ depth: 1, params, any: "adAllCommunities" });
  const entity = h("select", { id: "audit-entity", "aria-label": t("adEntity") },
    h("option", { value: "" }, t("adAnyEntity")), entities.map((e) => h("option", { value: e, selected: params.get("entity") === e }, t(`adEnt_${e}` as StringKey))));
  const entityId = h("input", { id: "audit-entity-id", placeholder: t("adEntityId"), size: 10, value: params.get("id") ?? "" });
  const rows = h("tbody", {});
  const paged = pagedList<AuditRow>(rows, (rs) => rs.map(auditRow), { limit: 50, empty: () => t("adNoAudit") });

  const load = () => {
    const p = picker.picked();
    const q = new URLSearchParams();
    if (p.communityId) q.set("communityId", String(p.communityId));
    if (entity.value) q.set("entity", entity.value);
    if (entityId.value.trim()) q.set("entityId", entityId.value.trim());
    keepInUrl("admin-audit", p, { entity: entity.value, id: entityId.value.trim() });
    const s = q.toString();
    void paged.load(`/api/audit${s ? `?${s}` : ""}`);
  };
  picker.onChange(load);
  entity.addEventListener("change", load);
  entityId.addEventListener("change", load);

  return {
    el: h("section", { class: "view admin-audit" },
      h("div", { class: "filters" }, picker.el, h("label", {}, t("adEntity"), entity), h("label", {}, t("adEntityId"), entityId)),
      h("table", { class: "grid-table audit", id: "audit" },
        h("thead", {}, h("tr", {}, ["colTime", "colWho", "adRecord", "adAction", "adChanges"].map((k) => h("th", {}, t(k as StringKey))))), rows),
      paged.el),
  };
}
