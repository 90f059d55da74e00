/**
 * The resident card and the door code: the only routes that read the code.
 *
 *   GET    /api/households/:id/card                 the card (no door code), any console role of the community
 *   POST   /api/households/:id/door-code {alertId?}  reveal the code; audited with the caller and the alert
 *   GET    /api/households/:id/door-code-reveals    who revealed it and when (supervisor / admin)
 *   PUT    /api/households/:id/door-code {doorCode} set it (admin)
 *   DELETE /api/households/:id/door-code            remove it (admin)
 *
 * The code never goes into a log line, the console WebSocket or any other answer.
 */
import type { FastifyInstance } from "fastify";
import { doorCodeBodySchema, doorCodeRevealSchema, ErrorCodes, idParamSchema } from "@helpkey/shared";
import { clearDoorCode, revealDoorCode, revealsOfHousehold, setDoorCode } from "../board/door-code";
import { residentCard } from "../board/resident-card";
import { getAlert } from "../store/alerts";
import { adminOnly, anyRole, leads } from "../users/roles";
import type { AppDeps } from "./app-deps";
import { canSee, principalOf } from "./auth";
import { HttpError, notFound, parse } from "./errors";

export function residentCardRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { ctx } = deps;
  /** The household, if the caller may see its community: otherwise the same 404 as a missing one. */
  const household = (req: Parameters<typeof principalOf>[0]) => {
    const { id } = parse(idParamSchema, req.params);
    const info = ctx.dir.get(id);
    if (!info || !canSee(principalOf(req), info.communityId)) throw notFound(`household ${id}`);
    return info;
  };

  app.get("/api/households/:id/card", { config: { access: anyRole } }, async (req, reply) => {
    const info = household(req);
    reply.header("cache-control", "no-store");
    return residentCard(ctx.db, info);
  });

  app.post("/api/households/:id/door-code", { config: { access: anyRole } }, async (req, reply) => {
    const info = household(req);
    const { alertId } = parse(doorCodeRevealSchema, req.body);
    if (alertId !== undefined && getAlert(ctx.db, alertId)?.householdId !== info.householdId) {
      throw new HttpError(400, ErrorCodes.BAD_REQUEST, `alertId: alert ${alertId} is not this household's`, "alertId");
    }
    const p = principalOf(req);
    const r = revealDoorCode(ctx.db, deps.doorCodes, { householdId: info.householdId, communityId: info.communityId, alertId: alertId ?? null, actor: p.name, userId: p.userId }, deps.now());
    if (!r) throw notFound(`door code of household ${info.householdId}`);
    if (r === "unreadable") throw new HttpError(409, ErrorCodes.CONFLICT, "this door code was sealed with another key (HK_DOOR_CODE_KEY or door-code.key): set it again");
    req.log.info({ householdId: info.householdId, alertId, actor: p.name, revealId: r.revealId }, "door code revealed");
    reply.header("cache-control", "no-store");
    return { doorCode: r.doorCode };
  });

  app.get("/api/households/:id/door-code-reveals", { config: { access: leads } }, async (req) => {
    const info = household(req);
    return revealsOfHousehold(ctx.db, info.householdId);
  });

  app.put("/api/households/:id/door-code", { config: { access: adminOnly } }, async (req, reply) => {
    const info = household(req);
    const { doorCode } = parse(doorCodeBodySchema, req.body);
    setDoorCode(ctx.db, deps.doorCodes, info.householdId, doorCode, deps.now());
    req.log.info({ householdId: info.householdId }, "door code set");
    return reply.status(204).send();
  });

  app.delete("/api/households/:id/door-code", { config: { access: adminOnly } }, async (req, reply) => {
    const info = household(req);
    clearDoorCode(ctx.db, info.householdId);
    return reply.status(204).send();
  });
}
