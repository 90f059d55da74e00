/**
 * The console's boards, every one scoped to the caller's communities:
 *
 *   GET /api/board/devices?communityId=&buildingId=   device health: online / offline since / low battery / never seen
 *   GET /api/board/buildings?communityId=&buildingId= building view: units as grids of household cells
 *   GET /api/board/history?from=&to=&buildingId=&householdId=&q=&kind=&outcome=&state=&limit=
 *   GET /api/board/alerts/:id/report                  incident report (the alert page's data too)
 *   GET /api/board/pulse                              the newest event number the caller may see: the console
 *                                                     compares it with its socket's, to notice a silently dead one
 *   GET /api/board/outbox?communityId=                per channel: notifications waiting and the time to send them
 */
import { inArray, max } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { channels, idParamSchema, idTextSchema as id, type ChannelBacklogView, type OutboxBacklog } from "@helpkey/shared";
import { buildingGrid } from "../board/building-grid";
import { deviceHealthList, deviceHealths } from "../board/device-health";
import { historyQuerySchema, searchHistory } from "../board/history";
import { incidentReport } from "../board/incident-report";
import { events } from "../db/schema";
import { toAlertView } from "../store/alerts";
import { backlogOf } from "../store/outbox-queue";
import { anyRole } from "../users/roles";
import type { AppDeps } from "./app-deps";
import { canSee, principalOf, type Principal } from "./auth";
import { notFound, parse } from "./errors";

/** The boards' query strings (the OpenAPI document shows them as they are parsed here). */
export const scopeQuerySchema = z.object({ communityId: id.optional(), buildingId: id.optional() });
export const deviceQuerySchema = scopeQuerySchema.extend({ health: z.enum(deviceHealths).optional() });
export const outboxQuerySchema = z.object({ communityId: id.optional() });

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

  app.get("/api/board/outbox", opts, async (req): Promise<OutboxBacklog> => {
    const q = parse(outboxQuerySchema, req.query);
    const scope = scopeOf(principalOf(req), q.communityId);
    const t = deps.now();
    const mine = new Map(backlogOf(ctx.db, scope, t).map((b) => [b.channel, b]));
    // the whole channel's queue is ahead of, or around, the caller's rows: it sets the time to send them
    const all = scope === null ? mine : new Map(backlogOf(ctx.db, null, t).map((b) => [b.channel, b]));
    const status = deps.outbox();
    const view = (channel: (typeof channels)[number]): ChannelBacklogView => {
      const b = mine.get(channel);
      const waiting = b?.waiting ?? 0;
      const ratePerS = status?.[channel].ratePerS ?? null;
      const pausedUntil = status?.[channel].pausedUntil ?? null;
      const eta = waiting > 0 && ratePerS ? Math.ceil((all.get(channel)?.waiting ?? waiting) / ratePerS + Math.max(0, (pausedUntil ?? t) - t) / 1000) : null;
      return { channel, waiting, sending: b?.sending ?? 0, oldestWaitS: b?.oldestAt != null ? Math.max(0, Math.round((t - b.oldestAt) / 1000)) : null, ratePerS, etaS: eta, pausedUntil };
    };
    return { at: t, channels: channels.map(view) };
  });

  app.get("/api/board/alerts/:id/report", opts, async (req) => {
    const { id: alertId } = parse(idParamSchema, req.params);
    const report = incidentReport(ctx, alertId, deps.now());
    if (!report || !canSee(principalOf(req), report.alert.communityId)) throw notFound(`alert ${alertId}`);
    return report;
  });
}
