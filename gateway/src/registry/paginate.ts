/**
 * Keyset pagination for every list of the API: rows ordered by their id, a page of `limit` rows after
 * the cursor, and the next page's cursor in the `x-next-cursor` header (absent on the last page). The
 * body stays a JSON array. A cursor is the base64url of the last row's id: opaque to callers, and a
 * page never skips or repeats a row when rows are added or removed between requests.
 *
 *   const page = keysetPage(q, alerts.id, { order: "desc" });
 *   const rows = db.select().from(alerts).where(and(...filters, page.where)).orderBy(page.orderBy).limit(page.limit).all();
 *   return page.finish(reply, rows, (r) => r.id);
 */
import { asc, desc, gt, lt, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { FastifyReply } from "fastify";
import { ErrorCodes } from "@helpkey/shared";
import { HttpError } from "../http/errors";

export const NEXT_CURSOR_HEADER = "x-next-cursor";

export interface PageQuery {
  limit: number;
  cursor?: string | undefined;
}

export interface KeysetPage {
  /** Rows past the cursor (undefined on the first page): AND it with the list's own filters. */
  where: SQL | undefined;
  orderBy: SQL;
  /** One row more than the page: that row only says whether another page follows. */
  limit: number;
  /** Drops the extra row, sets `x-next-cursor` when another page follows, and returns the page. */
  finish<T>(reply: FastifyReply, rows: T[], keyOf: (row: T) => number | string): T[];
}

export interface KeysetOptions {
  /** "desc": newest first (alerts, the audit trail); the cursor walks to older rows. */
  order?: "asc" | "desc";
  /** The key's type: integer ids, or text ids such as a device's. */
  key?: "int" | "text";
}

const INT_KEY = /^[1-9][0-9]{0,15}$/;

function encodeCursor(key: number | string): string {
  return Buffer.from(String(key), "utf8").toString("base64url");
}

/** The id a cursor names; 400 (field `cursor`) for anything this API did not give out. */
function decodeCursor(cursor: string, type: "int" | "text"): number | string {
  const bad = () => new HttpError(400, ErrorCodes.BAD_REQUEST, "cursor: not a cursor of this list (pass the x-next-cursor header of the previous page as it is)", "cursor");
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  // base64url decoding is lenient: only the exact encoding of a key is a cursor
  if (text === "" || encodeCursor(text) !== cursor) throw bad();
  if (type === "text") return text;
  if (!INT_KEY.test(text) || !Number.isSafeInteger(Number(text))) throw bad();
  return Number(text);
}

export function keysetPage(q: PageQuery, column: SQLiteColumn, o: KeysetOptions = {}): KeysetPage {
  const order = o.order ?? "asc";
  const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, o.key ?? "int");
  return {
    where: after === undefined ? undefined : order === "asc" ? gt(column, after) : lt(column, after),
    orderBy: order === "asc" ? asc(column) : desc(column),
    limit: q.limit + 1,
    finish(reply, rows, keyOf) {
      if (rows.length <= q.limit) return rows;
      const page = rows.slice(0, q.limit);
      reply.header(NEXT_CURSOR_HEADER, encodeCursor(keyOf(page[page.length - 1]!)));
      return page;
    },
  };
}
