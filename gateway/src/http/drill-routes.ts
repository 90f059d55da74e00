/**
 * Drills: a supervisor (or an administrator) of the community starts one and ends it, which writes
 * its report; every console user of the community lists them (the consoles' drill banner asks for
 * the running ones) and reads a drill's report. Starting and ending are audited.
 */
import type { FastifyInstance } from "fastify";
import { ErrorCodes, idParamSchema } from "@helpkey/shared";
import { drillListQuerySchema, startDrillSchema } from "@helpkey/shared/drills";
import { drills } from "../db/schema";
import { drillDetail, endDrill, startDrill, type DrillOutcome } from "../drills/drill-flow";
import { communityFacts, drillsPage, getDrill, toDrillView, type DrillRow } from "../drills/drill-store";
import { keysetPage } from "../registry/paginate";
import { anyRole, leads } from "../users/roles";
import type { AppDeps } from "./app-deps";
import { auditActor } from "./audit-actor";
import { canSee, principalOf } from "./auth";
import { HttpError, notFound, parse } from "./errors";

const consoleUser = { config: { access: anyRole } };
const lead = { config: { access: leads } };

function ok(r: DrillOutcome): DrillRow {
  if (!r.ok) throw new HttpError(r.status, r.status === 404 ? ErrorCodes.NOT_FOUND : ErrorCodes.CONFLICT, r.message);
  return r.drill;
}

export function drillRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { ctx } = deps;

  app.post("/api/drills", lead, async (req, reply) => {
    const body = parse(startDrillSchema, req.body);
    // another community's is 404, as if it did not exist
    if (!canSee(principalOf(req), body.communityId)) throw notFound(`community ${body.communityId}`);
    const now = deps.now();
    const drill = ok(startDrill(ctx, body, auditActor(req), now));
    req.log.info({ drillId: drill.id, communityId: drill.communityId, callFamily: drill.callFamily }, "drill started");
    return reply.status(201).send(drillDetail(ctx, drill, now));
  });

  app.post("/api/drills/:id/end", lead, async (req) => {
    const { id } = parse(idParamSchema, req.params);
    const existing = getDrill(ctx.db, id);
    if (!existing || !canSee(principalOf(req), existing.communityId)) throw notFound(`drill ${id}`);
    const now = deps.now();
    const drill = ok(endDrill(ctx, id, auditActor(req), now));
    const detail = drillDetail(ctx, drill, now);
    req.log.info({ drillId: id, communityId: drill.communityId, alarms: detail.report.summary.alarms, allMet: detail.report.summary.allMet }, "drill ended");
    return detail;
  });

  // newest first; the cursor walks to older drills (registry/paginate.ts)
  app.get("/api/drills", consoleUser, async (req, reply) => {
    const q = parse(drillListQuerySchema, req.query);
    const p = principalOf(req);
    const communityIds = q.communityId ? [q.communityId].filter((c) => canSee(p, c)) : p.communityIds ?? undefined;
    const page = keysetPage(q, drills.id, { order: "desc" });
    const rows = page.finish(reply, drillsPage(ctx.db, { communityIds, running: q.running === undefined ? undefined : q.running === "true" }, page), (d) => d.id);
    const facts = communityFacts(ctx.db, rows.map((d) => d.communityId));
    return rows.map((d) => toDrillView(d, facts.get(d.communityId)));
  });

  app.get("/api/drills/:id", consoleUser, async (req) => {
    const { id } = parse(idParamSchema, req.params);
    const drill = getDrill(ctx.db, id);
    if (!drill || !canSee(principalOf(req), drill.communityId)) throw notFound(`drill ${id}`);
    return drillDetail(ctx, drill, deps.now());
  });
}
