/**
 * Why a registry record cannot be deleted yet: an alert still open on it (resolve it first), or the
 * records that depend on it, named and counted.
 */
import { count, eq } from "drizzle-orm";
import { ErrorCodes } from "@helpkey/shared";
import type { Db } from "../db/open";
import { HttpError } from "../http/errors";
import { findOpenAlert, listActiveAlerts } from "../store/alerts";
import { kinds, type Kind } from "./registry-kinds";

/** The 409 that refuses deleting record `id` of `kind`, or null when nothing stands in the way. */
export function deleteBlock(db: Db, kind: Kind, id: number): HttpError | null {
  const open = kind === "households" ? findOpenAlert(db, id) : kind === "communities" ? listActiveAlerts(db, [id])[0] : undefined;
  if (open) {
    return new HttpError(409, ErrorCodes.OPEN_ALERT, `${kinds[kind].entity} ${id} has alert ${open.id} still ${open.state}: resolve or cancel the alert first`);
  }
  const found: string[] = [];
  for (const d of kinds[kind].dependents) {
    const n = db.select({ n: count() }).from(d.column.table).where(eq(d.column, id)).get()?.n ?? 0;
    if (n > 0) found.push(`${d.what} (${n}${d.note ? `, ${d.note}` : ""})`);
  }
  if (found.length === 0) return null;
  return new HttpError(409, ErrorCodes.CONFLICT, `${kinds[kind].entity} ${id} still has dependent records: ${found.join(", ")}; delete or move them first`);
}
