/** TV messages: send to a household's or a building's set-top boxes; list what was sent and what became of it. */
import { eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { idParamSchema, tvMessageBodySchema, tvMessageListQuerySchema } from "@helpkey/shared";
import { buildings, households, units } from "../db/schema";
import { listTvMessages, toTvMessageView } from "../store/tv-messages";
import { sendTvMessages, type TvTarget } from "../tv/tv-flow";
import { anyRole } from "../users/roles";
import type { AppDeps } from "./app-deps";
import { canSee, principalOf } from "./auth";
import { notFound, parse } from "./errors";

const consoleUser = { config: { access: anyRole } };

export function tvRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { ctx } = deps;
  const { db } = ctx;

  const householdsOfBuilding = (buildingId: number) =>
    db.select({ id: households.id }).from(households).innerJoin(units, eq(units.id, households.unitId)).where(eq(units.buildingId, buildingId)).all().map((h) => h.id);

  /** The caller's scope before the body: another community's household or building is 404 whatever is sent. */
  const send = async (req: FastifyRequest, reply: FastifyReply, target: TvTarget | null, what: string) => {
    const p = principalOf(req);
    if (!target || !canSee(p, target.communityId)) throw notFound(what);
    const { text } = parse(tvMessageBodySchema, req.body);
    const r = db.$client.transaction(() => sendTvMessages(ctx, target, text, p.name, deps.now())).immediate();
    deps.dispatch(r.effects);
    req.log.info({ target: what, boxes: r.effects.cmds.map((c) => c.deviceId), by: p.name }, "tv message sent");
    return reply.status(201).send({ messages: r.rows.map(toTvMessageView) });
  };

  app.post("/api/households/:id/tv-messages", consoleUser, async (req, reply) => {
    const { id } = parse(idParamSchema, req.params);
    const info = ctx.dir.get(id);
    return send(req, reply, info ? { communityId: info.communityId, householdIds: [id], recordMissing: true } : null, `household ${id}`);
  });

  app.post("/api/buildings/:id/tv-messages", consoleUser, async (req, reply) => {
    const { id } = parse(idParamSchema, req.params);
    const b = db.select().from(buildings).where(eq(buildings.id, id)).get();
    return send(req, reply, b ? { communityId: b.communityId, householdIds: householdsOfBuilding(id), recordMissing: false } : null, `building ${id}`);
  });

  app.get("/api/tv-messages", consoleUser, async (req) => {
    const q = parse(tvMessageListQuerySchema, req.query);
    const p = principalOf(req);
    let householdIds: number[] | undefined;
    if (q.householdId !== undefined) householdIds = [q.householdId];
    if (q.buildingId !== undefined) {
      const inBuilding = householdsOfBuilding(q.buildingId);
      householdIds = householdIds ? householdIds.filter((h) => inBuilding.includes(h)) : inBuilding;
    }
    return listTvMessages(db, { householdIds, communityIds: p.communityIds ?? undefined, limit: q.limit }).map(toTvMessageView);
  });
}
