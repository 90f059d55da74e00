/**
 * zh-CN and en, switchable at any time. The choice is kept in the browser; the
 * default is Chinese, the language of the community centres this is built for.
 */
import { strings, type StringKey } from "./strings";
export type { StringKey };

export type Lang = "zh-CN" | "en";
const KEY = "hk-lang";

let lang: Lang = localStorage.getItem(KEY) === "en" ? "en" : "zh-CN";
const listeners = new Set<() => void>();

export function currentLang(): Lang {
  return lang;
}

export function setLang(l: Lang): void {
  lang = l;
  localStorage.setItem(KEY, l);
  document.documentElement.lang = l;
  for (const f of listeners) f();
}

export function onLangChange(f: () => void): void {
  listeners.add(f);
}

/** A string in the current language; `{name}` placeholders are filled from `vars`. */
export function t(key: StringKey, vars: Record<string, string | number> = {}): string {
  const s = strings[lang][key] ?? strings.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ""));
}

document.documentElement.lang = lang;

/** Where, the way each language writes it: "1号楼2单元302室" / "Building 1, Unit 2, room 302". */
export function place(a: { building: string; unit: string; room: string }): string {
  return lang === "zh-CN" ? `${a.building}${a.unit}${a.room}室` : `${a.building}, ${a.unit}, room ${a.room}`;
}
