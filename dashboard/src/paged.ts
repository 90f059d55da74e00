/**
 * The API's lists page by cursor: a JSON array, and `x-next-cursor` while more rows follow. A paged
 * list on screen shows the first page and a "more" button that appends the next; picker menus walk
 * every page (communities, buildings and units are few).
 */
import { h, mount } from "./dom";
import { t } from "./i18n";
import { failureText, send } from "./views/admin-http";

export interface Page<T> {
  rows: T[];
  next: string | null;
}

const withCursor = (url: string, limit: number, cursor: string | null) =>
  `${url}${url.includes("?") ? "&" : "?"}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;

export async function fetchPage<T>(url: string, limit: number, cursor: string | null = null): Promise<Page<T>> {
  const res = await send("GET", withCursor(url, limit, cursor));
  return { rows: (await res.json()) as T[], next: res.headers.get("x-next-cursor") };
}

/** Every row of a short list; stops after `maxPages` pages of 500 (a menu longer than that is not a menu). */
export async function fetchAll<T>(url: string, maxPages = 20): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const page: Page<T> = await fetchPage<T>(url, 500, cursor);
    out.push(...page.rows);
    if (!page.next) break;
    cursor = page.next;
  }
  return out;
}

export interface PagedList {
  /** The "more" button and the list's status line; put them under the rows' container. */
  el: HTMLElement;
  /** Empties the rows and loads the first page of `url` (null: show nothing). */
  load(url: string | null): Promise<void>;
}

/**
 * Rows of `url` rendered into `into`, a page at a time. A reload while a page is on its way drops
 * that page, so a quick change of filter never mixes two lists.
 */
export function pagedList<T>(into: HTMLElement, render: (rows: T[]) => Node[] | Promise<Node[]>, o: { limit?: number; empty: () => string }): PagedList {
  const limit = o.limit ?? 50;
  const status = h("p", { class: "muted paged-status", role: "status" });
  const more = h("button", { class: "btn more paged-more", type: "button", hidden: true }, t("adMore"));
  let url: string | null = null;
  let next: string | null = null;
  let generation = 0;

  const fetchInto = async (cursor: string | null) => {
    const mine = ++generation;
    more.disabled = true;
    try {
      const page = await fetchPage<T>(url!, limit, cursor);
      const nodes = await render(page.rows);
      if (mine !== generation) return;
      into.append(...nodes);
      next = page.next;
      more.hidden = next === null;
      mount(status, into.childElementCount === 0 ? o.empty() : "");
    } catch (err) {
      if (mine === generation) mount(status, h("span", { class: "error" }, failureText(err)));
    } finally {
      if (mine === generation) more.disabled = false;
    }
  };
  more.addEventListener("click", () => void (next && fetchInto(next)));

  return {
    el: h("div", { class: "paged" }, status, more),
    load: async (u) => {
      url = u;
      next = null;
      into.replaceChildren();
      more.hidden = true;
      mount(status, "");
      if (u === null) {
        generation++;
        return;
      }
      mount(status, t("adLoading"));
      await fetchInto(null);
    },
  };
}
