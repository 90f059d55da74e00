/** GET /api/alerts' query: filters, the caller's communities, newest first, one page at a time. */
import { and, eq, gte, inArray, lt, type SQL } from "drizzle-orm";
import type { AlarmKind, AlertState } from "@helpkey/shared";
import type { Db } from "../db/open";
import { alerts } from "../db/schema";
import type { AlertRow } from "../store/alerts";
import type { KeysetPage } from "./paginate";

export interface AlertFilters {
  state?: AlertState | undefined;
  /** undefined: every community. */
  communityIds?: number[] | undefined;
  kind?: AlarmKind | undefined;
  /** The first press at or after this time (epoch ms). */
  since?: number | undefined;
  /** The first press before this time (epoch ms). */
  until?: number | undefined;
}

export function alertsPage(db: Db, f: AlertFilters, page: KeysetPage): AlertRow[] {
  const where: SQL[] = [];
  if (f.state) where.push(eq(alerts.state, f.state));
  if (f.communityIds) where.push(inArray(alerts.communityId, f.communityIds));
  if (f.kind) where.push(eq(alerts.kind, f.kind));
  if (f.since !== undefined) where.push(gte(alerts.firstPressAt, f.since));
  if (f.until !== undefined) where.push(lt(alerts.firstPressAt, f.until));
  return db.select().from(alerts).where(and(...where, page.where)).orderBy(page.orderBy).limit(page.limit).all();
}
