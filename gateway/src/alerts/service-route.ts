/**
 * Who a service request or welfare check is texted to (never called): the category's named contact
 * when its route is "contact", else the household's grid workers, else the household's contacts
 * whose relation is grid worker; nobody (the console's service queue only) when there is none.
 * A welfare check texts the family too when the household (or the policy) says so.
 */
import { WELFARE_CHECK, type ServiceCategory } from "@helpkey/shared";
import { smsRecipients } from "../engine/cascade";
import type { HouseholdInfo } from "../store/household-info";
import type { Recipient } from "./notify-plan";

export type ServiceRoute = "contact" | "grid" | "grid_relation" | "console";

export function categoryOf(info: HouseholdInfo, key: string | null): ServiceCategory | undefined {
  return key === null ? undefined : info.serviceCategories.find((c) => c.key === key);
}

export function serviceRecipients(info: HouseholdInfo, category: string | null): { route: ServiceRoute; to: Recipient[] } {
  const c = categoryOf(info, category);
  let out: { route: ServiceRoute; to: Recipient[] };
  if (c?.route === "contact" && c.contactName && c.contactPhone) {
    out = { route: "contact", to: [{ contactId: null, name: c.contactName, phone: c.contactPhone, language: info.communityLanguage }] };
  } else if (info.gridWorkers.length > 0) {
    out = { route: "grid", to: info.gridWorkers.map((w) => ({ contactId: null, name: w.name, phone: w.phone, language: w.language })) };
  } else {
    const fallback = smsRecipients("service", info.contacts).map((x) => ({ contactId: x.id, name: x.name, phone: x.phone, language: x.language }));
    out = { route: fallback.length ? "grid_relation" : "console", to: fallback };
  }
  if (category === WELFARE_CHECK && info.welfareIncludeFamily) {
    const phones = new Set(out.to.map((r) => r.phone));
    // the family, not the unit's help group: a welfare check is the grid's and the family's business
    for (const x of info.contacts) if (!x.helpGroupId && !phones.has(x.phone)) out.to.push({ contactId: x.id, name: x.name, phone: x.phone, language: x.language });
  }
  return out;
}
