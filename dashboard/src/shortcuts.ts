/**
 * Keyboard shortcuts: a night shift should not need the mouse for the main actions.
 * Global keys here; the current view gets the rest (queue: j/k/Enter/a; alert page: a/d/o/r/x).
 * Keys typed into a field stay in the field.
 */
import { currentLang, setLang } from "./i18n";

export interface KeyTarget {
  go(hash: string): void;
  view(k: string): boolean;
  help(): void;
}

const pages: Record<string, string> = { "1": "#/queue", "2": "#/devices", "3": "#/buildings", "4": "#/history" };

export function installShortcuts(target: KeyTarget): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const el = e.target as HTMLElement | null;
    const typing = el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
    if (typing) {
      if (e.key === "Escape") el.blur();
      return;
    }
    let handled = true;
    if (pages[e.key]) target.go(pages[e.key]!);
    else if (e.key === "Escape") target.go("#/queue");
    else if (e.key === "L") setLang(currentLang() === "zh-CN" ? "en" : "zh-CN");
    else if (e.key === "?") target.help();
    else handled = target.view(e.key);
    if (handled) e.preventDefault();
  };
  document.addEventListener("keydown", onKey);
  return () => document.removeEventListener("keydown", onKey);
}
