/** Alerts: list, detail with audit trail and notification timelines, console actions (409 on illegal transitions). */
import type { FastifyInstance } from "fastify";
import { actionBodySchema, alertListQuerySchema, alertNoteBodySchema, ErrorCodes, idParamSchema, resolveBodySchema, type Outcome } from "@helpkey/shared";
import { applyAction } from "../alerts/action-flow";
import { emptyEffects } from "../alerts/effects";
import { markReal } from "../drills/not-a-drill";
import { consoleActions, type ConsoleAction } from "../engine/alert-engine";
import { alerts } from "../db/schema";
import { alertsPage } from "../registry/alert-list";
import { keysetPage } from "../registry/paginate";
import { getAlert, setAlertNote, toAlertView } from "../store/alerts";
import { alertEvents, appendEvent } from "../store/events";
import { notificationsOfAlert, toNotificationView } from "../store/notifications";
import { anyRole } from "../users/roles";
import type { AppDeps } from "./app-deps";
import { canSee, principalOf } from "./auth";
import { HttpError, notFound, parse } from "./errors";

const consoleUser = { config: { access: anyRole } };

export function alertRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { ctx } = deps;

  // newest first; the cursor walks to older alerts (registry/paginate.ts)
  app.get("/api/alerts", consoleUser, async (req, reply) => {
    const q = parse(alertListQuerySchema, req.query);
    const p = principalOf(req);
    const communityIds = q.communityId ? [q.communityId].filter((c) => canSee(p, c)) : p.communityIds ?? undefined;
    const page = keysetPage(q, alerts.id, { order: "desc" });
    const rows = alertsPage(ctx.db, { state: q.state, communityIds, kind: q.kind, since: q.since, until: q.until }, page);
    return page.finish(reply, rows, (a) => a.id).map((a) => toAlertView(a, ctx.dir));
  });

  app.get("/api/alerts/:id", consoleUser, async (req) => {
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

  // a drill alarm that is a real call for help: any console user who sees it may say so, as with acknowledge
  app.post("/api/alerts/:id/real", consoleUser, async (req) => {
    const { id } = parse(idParamSchema, req.params);
    const p = principalOf(req);
    const existing = getAlert(ctx.db, id);
    if (!existing || !canSee(p, existing.communityId)) throw notFound(`alert ${id}`);
    const actor = parse(actionBodySchema, req.body).by ?? p.name;
    const r = ctx.db.$client.transaction(() => markReal(ctx, id, actor, deps.now())).immediate();
    if (!r.ok) throw new HttpError(r.status, r.code, r.message);
    deps.dispatch(r.effects);
    req.log.info({ alertId: id, actor }, "drill alarm marked real");
    return toAlertView(r.alert, ctx.dir);
  });

  // A note at any state, closed alerts too: the service queue's log of what was done; each one is audited.
  app.post("/api/alerts/:id/note", consoleUser, async (req) => {
    const { id } = parse(idParamSchema, req.params);
    const p = principalOf(req);
    const existing = getAlert(ctx.db, id);
    if (!existing || !canSee(p, existing.communityId)) throw notFound(`alert ${id}`);
    const body = parse(alertNoteBodySchema, req.body);
    const actor = body.by ?? p.name;
    const r = ctx.db.$client.transaction(() => {
      const alert = setAlertNote(ctx.db, id, body.note)!;
      const event = appendEvent(ctx.db, { type: "alert.noted", ts: deps.now(), communityId: alert.communityId, actor, alert: toAlertView(alert, ctx.dir) }, { data: { note: body.note } });
      return { alert, event };
    }).immediate();
    deps.dispatch({ ...emptyEffects(), events: [r.event] });
    req.log.info({ alertId: id, actor }, "alert note");
    return toAlertView(r.alert, ctx.dir);
  });

  const actionPath: Record<ConsoleAction, string> = { acknowledge: "acknowledge", dispatch: "dispatch", arrive: "arrive", resolve: "resolve", cancel: "cancel" };
  for (const action of consoleActions) {
    app.post(`/api/alerts/:id/${actionPath[action]}`, consoleUser, async (req) => {
      const { id } = parse(idParamSchema, req.params);
      const p = principalOf(req);
      // the alert and the caller's scope before the body: another community's alert is 404 whatever is sent
      const existing = getAlert(ctx.db, id);
      if (!existing || !canSee(p, existing.communityId)) throw notFound(`alert ${id}`);
      const body: { by?: string | undefined; note?: string | undefined; outcome?: Outcome } =
        action === "resolve" ? parse(resolveBodySchema, req.body) : parse(actionBodySchema, req.body);
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
