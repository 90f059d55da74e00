/**
 * Service requests (the green key) and welfare checks in the console: each one's category name in the
 * dispatcher's language, and whether its answer time has passed. A community's categories are fetched
 * once per console and kept; a card drawn before they arrive is drawn again when they do.
 */
import type { AlertView } from "@helpkey/shared";
import { api } from "./api";
import { currentLang, t } from "./i18n";
import type { ServiceCategory } from "./types";

/** The category of a welfare check (shared's WELFARE_CHECK; written out so the browser bundle stays free of zod). */
const WELFARE_CHECK = "welfare_check";

const categories = new Map<number, ServiceCategory[] | "loading" | "failed">();
const listeners = new Set<(communityId: number) => void>();

/** Called with a community id once its categories have arrived. */
export function onCategories(f: (communityId: number) => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

function load(communityId: number): void {
  categories.set(communityId, "loading");
  api<{ categories: ServiceCategory[] }>("GET", `/api/communities/${communityId}/service-categories`)
    .then((r) => {
      categories.set(communityId, r.categories);
      for (const f of [...listeners]) f(communityId);
    })
    // Without the list the card still shows the category's key: never a blank where a name belongs.
    .catch(() => categories.set(communityId, "failed"));
}


/** The category's name for a service alert ("Repairs", "维修", the welfare-check label); null for alarms. */
export function categoryName(a: AlertView): string | null {
  if (a.kind !== "service") return null;
  const key = a.category;
  if (key === null) return t("k_service");
  if (key === WELFARE_CHECK) return t("welfareCheck");
  const list = categories.get(a.communityId);
  if (list === undefined) load(a.communityId);
  const c = Array.isArray(list) ? list.find((x) => x.key === key) : undefined;
  if (!c) return key;
  return currentLang() === "zh-CN" ? c.nameZh : c.nameEn;
}

/** An unclaimed service request past its answer time: calm amber, never the alarm treatment. */
export function isPastDue(a: AlertView, now: number): boolean {
  const due = a.answerDueAt;
  return a.kind === "service" && a.state === "open" && due !== null && now >= due;
}
