/**
 * The console's boards (DESIGN.md "Console"), every one scoped to the caller's communities:
 *
 *   GET /api/board/devices?communityId=&buildingId=   device health: online / offline since / low battery / never seen
 *   GET /api/board/buildings?communityId=&buildingId= building view: units as grids of household cells
 *   GET /api/board/history?from=&to=&buildingId=&householdId=&q=&kind=&outcome=&state=&limit=
 *   GET /api/board/alerts/:id/report                  incident report (the alert page's data too)
 *   GET /api/board/pulse                              the newest event number the caller may see: the console
 *                                                     compares it with its socket's, to notice a silently dead one
 */
import { inArray, max } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { idParamSchema, idTextSchema as id } from "@helpkey/shared";
import { buildingGrid } from "../board/building-grid";
import { deviceHealthList, deviceHealths } from "../board/device-health";
import { historyQuerySchema, searchHistory } from "../board/history";
import { incidentReport } from "../board/incident-report";
import { events } from "../db/schema";
import { toAlertView } from "../store/alerts";
import { anyRole } from "../users/roles";
import type { AppDeps } from "./app-deps";
import { canSee, principalOf, type Principal } from "./auth";
import { notFound, parse } from "./errors";

const scopeQuerySchema = z.object({ communityId: id.optional(), buildingId: id.optional() });
const deviceQuerySchema = scopeQuerySchema.extend({ health: z.enum(deviceHealths).optional() });

/** The communities a query may cover: the caller's, narrowed to one when asked (an unseen one gives nothing). */
function scopeOf(p: Principal, communityId: number | undefined): number[] | null {
  if (communityId === undefined) return p.communityIds;
  return canSee(p, communityId) ? [communityId] : [];
}

export function boardRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { ctx } = deps;
  const opts = { config: { access: anyRole } };

  app.get("/api/board/devices", opts, async (req) => {
    const q = parse(deviceQuerySchema, req.query);
    const list = deviceHealthList(ctx.db, { communityIds: scopeOf(principalOf(req), q.communityId), buildingId: q.buildingId });
    const counts = Object.fromEntries(deviceHealths.map((h) => [h, list.filter((d) => d.health === h).length]));
    return { counts, devices: q.health ? list.filter((d) => d.health === q.health) : list };
  });

  app.get("/api/board/buildings", opts, async (req) => {
    const q = parse(scopeQuerySchema, req.query);
    return buildingGrid(ctx.db, { communityIds: scopeOf(principalOf(req), q.communityId), buildingId: q.buildingId });
  });

  app.get("/api/board/history", opts, async (req) => {
    const q = parse(historyQuerySchema, req.query);
    return searchHistory(ctx.db, q, principalOf(req).communityIds).map((a) => toAlertView(a, ctx.dir));
  });

  app.get("/api/board/pulse", opts, async (req) => {
    const scope = principalOf(req).communityIds;
    const row = ctx.db.select({ n: max(events.id) }).from(events).where(scope ? inArray(events.communityId, scope) : undefined).get();
    return { n: row?.n ?? 0 };
  });

  app.get("/api/board/alerts/:id/report", opts, async (req) => {
    const { id: alertId } = parse(idParamSchema, req.params);
    const report = incidentReport(ctx, alertId, deps.now());
    if (!report || !canSee(principalOf(req), report.alert.communityId)) throw notFound(`alert ${alertId}`);
    return report;
  });
}
