/**
 * The admin pages under one tab bar (#/admin-households, #/admin-import, …). Administrators see every
 * page; supervisors the ones they may use: households, help groups and grids to read, the patrol
 * roster to keep, the audit trail. The gateway enforces the same, whatever the page shows.
 */
import { h } from "../dom";
import { t, type StringKey } from "../i18n";
import { adminAudit } from "./admin-audit";
import { adminGroups } from "./admin-groups";
import { adminHouseholds } from "./admin-households";
import { adminImport } from "./admin-import";
import { adminPatrol } from "./admin-patrol";
import { adminProvision } from "./admin-provision";
import { adminUsers } from "./admin-users";
import type { View, ViewContext } from "./view";

type Page = (ctx: ViewContext, params: URLSearchParams) => View;

const pages: readonly { route: string; label: StringKey; supervisor: boolean; page: Page }[] = [
  { route: "admin-households", label: "adTabHouseholds", supervisor: true, page: adminHouseholds },
  { route: "admin-import", label: "adTabImport", supervisor: false, page: adminImport },
  { route: "admin-provision", label: "adTabProvision", supervisor: false, page: adminProvision },
  { route: "admin-users", label: "adTabUsers", supervisor: false, page: adminUsers },
  { route: "admin-patrol", label: "adTabPatrol", supervisor: true, page: adminPatrol },
  { route: "admin-groups", label: "adTabGroups", supervisor: true, page: adminGroups },
  { route: "admin-audit", label: "adTabAudit", supervisor: true, page: adminAudit },
];

/** Whether the console shows the admin pages to this role at all. */
export const seesAdmin = (role: string): boolean => role === "admin" || role === "supervisor";

export function adminView(ctx: ViewContext, route: string, params: URLSearchParams): View {
  const allowed = pages.filter((p) => ctx.me.role === "admin" || (p.supervisor && ctx.me.role === "supervisor"));
  const current = allowed.find((p) => p.route === route) ?? allowed[0];
  if (!current) return { el: h("section", { class: "view" }, h("p", { class: "empty" }, t("e_HK_FORBIDDEN"))) };
  const inner = current.page(ctx, params);
  const tabs = h("nav", { class: "admin-tabs", "aria-label": t("navAdmin") },
    allowed.map((p) => h("a", { href: `#/${p.route}`, "data-route": p.route, class: p === current ? "active" : "" }, t(p.label))));
  return {
    el: h("section", { class: "view admin", "data-page": current.route }, h("h2", {}, t("navAdmin"), " · ", t(current.label)), tabs, inner.el),
    destroy: () => inner.destroy?.(),
  };
}
