/** Alerts: list, detail with audit trail and notification timelines, console actions (409 on illegal transitions). */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { actionBodySchema, alertListQuerySchema, ErrorCodes, idParamSchema, resolveBodySchema, type Outcome } from "@helpkey/shared";
import { applyAction } from "../alerts/action-flow";
import { consoleActions, type ConsoleAction } from "../engine/alert-engine";
import { getAlert, listAlerts, toAlertView } from "../store/alerts";
import { alertEvents } from "../store/events";
import { notificationsOfAlert, toNotificationView } from "../store/notifications";
import type { AppDeps } from "./app-deps";
import type { Principal } from "./auth";
import { HttpError, notFound, parse } from "./errors";

const principalOf = (req: FastifyRequest) => (req as FastifyRequest & { principal: Principal }).principal;

function canSee(p: Principal, communityId: number): boolean {
  return p.communityIds === null || p.communityIds.includes(communityId);
}

export function alertRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { ctx } = deps;

  app.get("/api/alerts", async (req) => {
    const q = parse(alertListQuerySchema, req.query);
    const p = principalOf(req);
    const communityIds = q.communityId ? [q.communityId].filter((c) => canSee(p, c)) : p.communityIds ?? undefined;
    return listAlerts(ctx.db, { state: q.state, communityIds, sinceId: q.since, limit: q.limit }).map((a) => toAlertView(a, ctx.dir));
  });

  app.get("/api/alerts/:id", async (req) => {
    const { id } = parse(idParamSchema, req.params);
    const a = getAlert(ctx.db, id);
    if (!a || !canSee(principalOf(req), a.communityId)) throw notFound(`alert ${id}`);
    const info = ctx.dir.get(a.householdId);
    return {
      ...toAlertView(a, ctx.dir),
      household: info ? { id: info.householdId, notes: info.notes, contacts: info.contacts } : null,
      events: alertEvents(ctx.db, id),
      notifications: notificationsOfAlert(ctx.db, id).map(toNotificationView),
    };
  });

  const actionPath: Record<ConsoleAction, string> = { acknowledge: "acknowledge", dispatch: "dispatch", arrive: "arrive", resolve: "resolve", cancel: "cancel" };
  for (const action of consoleActions) {
    app.post(`/api/alerts/:id/${actionPath[action]}`, async (req) => {
      const { id } = parse(idParamSchema, req.params);
      const body: { by?: string | undefined; note?: string | undefined; outcome?: Outcome } =
        action === "resolve" ? parse(resolveBodySchema, req.body) : parse(actionBodySchema, req.body);
      const p = principalOf(req);
      const existing = getAlert(ctx.db, id);
      if (!existing || !canSee(p, existing.communityId)) throw notFound(`alert ${id}`);
      const actor = body.by ?? p.name;
      const r = ctx.db.$client.transaction(() =>
        applyAction(ctx, id, { action, actor, outcome: body.outcome, note: body.note }, deps.now()),
      ).immediate();
      if (!r.ok) throw new HttpError(r.status, r.status === 404 ? ErrorCodes.NOT_FOUND : ErrorCodes.ILLEGAL_TRANSITION, r.message);
      deps.dispatch(r.effects);
      req.log.info({ alertId: id, action, actor }, "alert action");
      return toAlertView(r.alert, ctx.dir);
    });
  }
}
