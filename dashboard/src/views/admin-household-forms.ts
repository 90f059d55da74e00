/** The fields of a household, a resident, a contact and a device move, as the registry API takes them. */
import { t, type StringKey } from "../i18n";
import { strings } from "../strings";
import type { Field } from "./admin-form";

export interface Household { id: number; unitId: number; room: string; name: string | null; notes: string | null; livesAlone: boolean; maintenanceAt: number | null }
export interface Resident {
  id: number; householdId: number; name: string; age: number | null; language: "zh-CN" | "en";
  phone: string | null; medical: string | null; mobility: string | null; notes: string | null;
}
export interface Contact {
  id: number; householdId: number; name: string; phone: string; relation: string; role: ContactRole;
  priority: number; language: "zh-CN" | "en"; hasKey: boolean;
}
export interface Device {
  id: string; householdId: number; type: "button" | "stb"; online: boolean; battery: number | null;
  lastSeenAt: number | null; maintenanceAt?: number | null; revokedAt?: number | null;
}

export const contactRoles = ["family", "neighbour", "grid_worker", "patrol", "supervisor"] as const;
export type ContactRole = (typeof contactRoles)[number];
/** The relations the console has words for; anything else is kept as typed. */
const relations = ["daughter", "son", "spouse", "sibling", "grandchild", "relative", "friend", "neighbour", "grid worker", "patrol", "supervisor", "carer"];

/** A key's words when the console has them, else the value as stored (a relation typed freely). */
export function say(key: string, fallback: string): string {
  return key in strings.en ? t(key as StringKey) : fallback;
}

export const langName = (l: string): string => (l === "en" ? t("adLangEn") : l === "zh-CN" ? t("adLangZh") : l);
export const languageOptions = (): [string, string][] => [["zh-CN", t("adLangZh")], ["en", t("adLangEn")]];

export function householdFields(x?: Household): Field[] {
  return [
    { name: "room", label: "adRoom", required: true, value: x?.room },
    { name: "name", label: "adHouseholdName", value: x?.name, clearable: !!x },
    { name: "notes", label: "notes", kind: "textarea", value: x?.notes, clearable: !!x },
    { name: "livesAlone", label: "adLivesAlone", kind: "checkbox", value: x?.livesAlone ?? false },
  ];
}

export function residentFields(x?: Resident): Field[] {
  return [
    { name: "name", label: "adName", required: true, value: x?.name },
    { name: "age", label: "adAge", kind: "number", min: 0, max: 130, value: x?.age },
    { name: "language", label: "adLanguage", kind: "select", options: languageOptions(), value: x?.language ?? "zh-CN" },
    { name: "phone", label: "rcPhone", value: x?.phone },
    { name: "medical", label: "rcMedical", kind: "textarea", value: x?.medical, clearable: !!x },
    { name: "mobility", label: "rcMobility", value: x?.mobility, clearable: !!x },
    { name: "notes", label: "notes", value: x?.notes, clearable: !!x },
  ];
}

export function contactFields(x?: Contact): Field[] {
  return [
    { name: "name", label: "adName", required: true, value: x?.name },
    { name: "phone", label: "rcPhone", required: true, value: x?.phone, placeholder: t("adPhoneHint") },
    { name: "relation", label: "adRelation", required: true, value: x?.relation, suggest: relations.map((r) => [r, say(`rel_${r}`, r)] as const) },
    { name: "role", label: "adContactRole", kind: "select", options: contactRoles.map((r) => [r, t(`adCr_${r}`)] as const), value: x?.role ?? "family" },
    { name: "priority", label: "adPriority", kind: "number", min: 1, max: 9, required: true, value: x?.priority ?? 1 },
    { name: "language", label: "adLanguage", kind: "select", options: languageOptions(), value: x?.language ?? "zh-CN" },
    { name: "hasKey", label: "hasKey", kind: "checkbox", value: x?.hasKey ?? false },
  ];
}

/** Another household of the list, or any household by its number. */
export function moveFields(targets: Household[], from: number): Field[] {
  return [
    { name: "target", label: "adMoveTo", kind: "select", options: [["", t("adChooseHousehold")], ...targets.filter((x) => x.id !== from).map((x) => [String(x.id), `${x.room}${x.name ? ` · ${x.name}` : ""}`] as const)] },
    { name: "otherId", label: "adMoveToId", kind: "number", min: 1 },
  ];
}
