/**
 * The patrol: its roster per community, dispatching a member to an alert (an SMS with the address and
 * a signed, expiring link), and the responder page's API, which needs no login: the link's token is the
 * credential, and it stops working after resolution or expiry (410).
 *
 *   GET    /api/patrol?communityId=&limit=&cursor=       the roster (scoped, paged by id)
 *   POST   /api/patrol {communityId, name, phone, language}   supervisor / admin
 *   PATCH  /api/patrol/:id {name?, phone?, language?}     supervisor / admin
 *   DELETE /api/patrol/:id                                retire (supervisor / admin)
 *   POST   /api/alerts/:id/dispatch-patrol {patrolMemberId}
 *   GET    /api/alerts/:id/dispatches                     the alert's responders
 *   GET    /api/responder/:token                          the responder page's data (public)
 *   POST   /api/responder/:token/{on-way|arrived|resolved} [{outcome, note}] (public)
 *
 * Roster changes are audited; phones are typed as people write them and stored as E.164.
 */
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { createPatrolMemberSchema, ErrorCodes, idParamSchema, patchPatrolMemberSchema, patrolRosterQuerySchema } from "@helpkey/shared";
import { communities, patrolMembers } from "../db/schema";
import { recordChange } from "../registry/audit";
import { keysetPage } from "../registry/paginate";
import { normalizePhoneFields } from "../registry/phone-fields";
import { getAlert } from "../store/alerts";
import { dispatchPatrol } from "../users/patrol-dispatch";
import { dispatchesOf, getDispatch, getPatrol, toDispatchView } from "../users/patrol-store";
import { liveDispatch, responderStep, responderView } from "../users/responder-flow";
import { responderSecret, verifyResponderToken } from "../users/responder-token";
import { anyRole, dispatchPatrolSchema, leads, responderParamsSchema, responderResolveSchema } from "../users/roles";
import type { AppDeps } from "./app-deps";
import { canSee, principalOf } from "./auth";
import { HttpError, notFound, parse } from "./errors";

const tokenParamSchema = z.object({ token: z.string().min(10).max(200) });

export function responderRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { ctx } = deps;
  const secret = responderSecret(ctx.db);

  app.get("/api/patrol", { config: { access: anyRole } }, async (req, reply) => {
    const q = parse(patrolRosterQuerySchema, req.query);
    const p = principalOf(req);
    const scope = q.communityId ? (canSee(p, q.communityId) ? [q.communityId] : []) : p.communityIds;
    if (scope?.length === 0) return [];
    const page = keysetPage(q, patrolMembers.id);
    const rows = ctx.db.select().from(patrolMembers)
      .where(and(isNull(patrolMembers.retiredAt), scope ? inArray(patrolMembers.communityId, scope) : undefined, page.where))
      .orderBy(page.orderBy).limit(page.limit).all();
    return page.finish(reply, rows, (m) => m.id);
  });

  const actorOf = (req: FastifyRequest) => ({ name: principalOf(req).name, userId: principalOf(req).userId });
  const countryOf = (communityId: number) => ctx.db.select({ c: communities.countryCode }).from(communities).where(eq(communities.id, communityId)).get()?.c;
  /** A member on the roster of a community the caller sees; retired members are off it (404). */
  const rosterMember = (req: FastifyRequest, id: number) => {
    const m = getPatrol(ctx.db, id);
    if (!m || m.retiredAt !== null || !canSee(principalOf(req), m.communityId)) throw notFound(`patrol member ${id}`);
    return m;
  };

  app.post("/api/patrol", { config: { access: leads } }, async (req, reply) => {
    let body = parse(createPatrolMemberSchema, req.body);
    const country = canSee(principalOf(req), body.communityId) ? countryOf(body.communityId) : undefined;
    if (!country) throw new HttpError(400, ErrorCodes.BAD_REQUEST, `communityId: no such community ${body.communityId}`, "communityId");
    body = normalizePhoneFields(body, ["phone"], country);
    const row = ctx.db.$client.transaction(() => {
      const m = ctx.db.insert(patrolMembers).values({ ...body, createdAt: deps.now() }).returning().get();
      recordChange(ctx.db, { actor: actorOf(req), communityId: m.communityId, entity: "patrol_member", entityId: m.id, action: "create", after: m, at: deps.now() });
      return m;
    }).immediate();
    return reply.status(201).send(row);
  });

  app.patch("/api/patrol/:id", { config: { access: leads } }, async (req) => {
    const { id } = parse(idParamSchema, req.params);
    const before = rosterMember(req, id);
    const patch = normalizePhoneFields(parse(patchPatrolMemberSchema, req.body), ["phone"], countryOf(before.communityId)!);
    if (Object.keys(patch).length === 0) return before;
    return ctx.db.$client.transaction(() => {
      const after = ctx.db.update(patrolMembers).set(patch).where(eq(patrolMembers.id, id)).returning().get()!;
      recordChange(ctx.db, { actor: actorOf(req), communityId: after.communityId, entity: "patrol_member", entityId: id, action: "update", before, after, at: deps.now() });
      return after;
    }).immediate();
  });

  app.delete("/api/patrol/:id", { config: { access: leads } }, async (req, reply) => {
    const { id } = parse(idParamSchema, req.params);
    const before = rosterMember(req, id);
    ctx.db.$client.transaction(() => {
      // retired, not deleted: past dispatches name the member
      const after = ctx.db.update(patrolMembers).set({ retiredAt: deps.now() }).where(eq(patrolMembers.id, id)).returning().get();
      recordChange(ctx.db, { actor: actorOf(req), communityId: before.communityId, entity: "patrol_member", entityId: id, action: "delete", before, after, at: deps.now() });
    }).immediate();
    return reply.status(204).send();
  });

  app.post("/api/alerts/:id/dispatch-patrol", { config: { access: anyRole } }, async (req, reply) => {
    const { id } = parse(idParamSchema, req.params);
    const p = principalOf(req);
    const alert = getAlert(ctx.db, id);
    if (!alert || !canSee(p, alert.communityId)) throw notFound(`alert ${id}`);
    const { patrolMemberId } = parse(dispatchPatrolSchema, req.body);
    const member = getPatrol(ctx.db, patrolMemberId);
    if (!member || member.retiredAt !== null || member.communityId !== alert.communityId) {
      throw new HttpError(400, ErrorCodes.BAD_REQUEST, `patrolMemberId: no patrol member ${patrolMemberId} in this alert's community`, "patrolMemberId");
    }
    const r = ctx.db.$client.transaction(() => dispatchPatrol(ctx, { alertId: id, member, actor: p.name, publicUrl: deps.twilio.publicUrl, secret }, deps.now())).immediate();
    if (!r.ok) throw new HttpError(r.status, r.code, r.message);
    deps.dispatch(r.effects);
    req.log.info({ alertId: id, patrolMemberId, actor: p.name }, "patrol dispatched");
    return reply.status(201).send(toDispatchView(r.dispatch));
  });

  app.get("/api/alerts/:id/dispatches", { config: { access: anyRole } }, async (req) => {
    const { id } = parse(idParamSchema, req.params);
    const alert = getAlert(ctx.db, id);
    if (!alert || !canSee(principalOf(req), alert.communityId)) throw notFound(`alert ${id}`);
    return dispatchesOf(ctx.db, id).map(toDispatchView);
  });

  /** The token, then the alert: a wrong or forged link is 401, a link whose time or alert is over is 410. */
  const open = (token: string) => {
    const t = verifyResponderToken(secret, token, deps.now());
    if (!t.ok && t.reason === "expired") throw new HttpError(410, ErrorCodes.LINK_EXPIRED, "this link has expired");
    if (!t.ok) throw new HttpError(401, ErrorCodes.BAD_SIGNATURE, "this link is not valid");
    const live = liveDispatch(ctx, t.dispatchId);
    if (!live.ok && live.reason === "closed") throw new HttpError(410, ErrorCodes.ALERT_CLOSED, "this alert is closed: the link no longer works");
    if (!live.ok && live.reason === "withdrawn") throw new HttpError(410, ErrorCodes.LINK_WITHDRAWN, "this link was withdrawn: ask the community centre");
    if (!live.ok) throw new HttpError(401, ErrorCodes.BAD_SIGNATURE, "this link is not valid");
    return live;
  };

  app.get("/api/responder/:token", { config: { access: "public" } }, async (req, reply) => {
    const { token } = parse(tokenParamSchema, req.params);
    const live = open(token);
    reply.header("cache-control", "no-store");
    return responderView(ctx, live.dispatch, live.alert);
  });

  app.post("/api/responder/:token/:step", { config: { access: "public" } }, async (req) => {
    const { token, step } = parse(responderParamsSchema, req.params);
    const resolve = step === "resolved" ? parse(responderResolveSchema, req.body) : undefined;
    const r = ctx.db.$client.transaction(() => {
      const live = open(token);
      return { live, r: responderStep(ctx, live.dispatch, live.alert, step, deps.now(), resolve) };
    }).immediate();
    if (!r.r.ok) throw new HttpError(409, ErrorCodes.ILLEGAL_TRANSITION, r.r.message);
    deps.dispatch(r.r.effects);
    req.log.info({ alertId: r.live.alert.id, dispatchId: r.live.dispatch.id, step }, "responder step");
    // Read back after the commit: a resolve closes the alert, and the page shows that instead of buttons.
    return responderView(ctx, getDispatch(ctx.db, r.live.dispatch.id)!, getAlert(ctx.db, r.live.alert.id)!);
  });
}
