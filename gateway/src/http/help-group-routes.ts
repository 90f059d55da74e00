/**
 * Help groups (楼栋单元组群) and their members: neighbours, volunteers and the grid worker of a building
 * or a unit, called for each of its households after the family's waves. Administrators change them;
 * console users read those of their communities. Every change is audited and drops the household
 * cache the press path reads them from.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  createHelpGroupMemberSchema, createHelpGroupSchema, ErrorCodes, helpGroupListQuerySchema, helpGroupMemberListQuerySchema,
  helpGroupMemberParamSchema, idParamSchema, patchHelpGroupMemberSchema, patchHelpGroupSchema, type HelpGroupScope,
} from "@helpkey/shared";
import { communities, helpGroupMembers, helpGroups } from "../db/schema";
import { recordChange } from "../registry/audit";
import { keysetPage } from "../registry/paginate";
import { normalizePhoneFields } from "../registry/phone-fields";
import { communityOfPlace, getHelpGroup, getHelpGroupMember, helpGroupView, type HelpGroupRow } from "../store/help-groups";
import { adminOnly, anyRole } from "../users/roles";
import type { AppDeps } from "./app-deps";
import { auditActor } from "./audit-actor";
import { canSee, principalOf } from "./auth";
import { HttpError, notFound, parse } from "./errors";

const admin = { config: { access: adminOnly } };
const reader = { config: { access: anyRole } };

export function helpGroupRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db, dir } = deps.ctx;

  const community = (id: number) => db.select().from(communities).where(eq(communities.id, id)).get();
  /** The group, if the caller may see it (404 either way, so a scope's outsider learns nothing). */
  const groupOf = (req: FastifyRequest, id: number): HelpGroupRow => {
    const g = getHelpGroup(db, id);
    if (!g || !canSee(principalOf(req), g.communityId)) throw notFound(`help group ${id}`);
    return g;
  };
  /** 400 naming refId unless the building or unit is a place of the community. */
  const checkPlace = (communityId: number, scope: HelpGroupScope, refId: number) => {
    if (communityOfPlace(db, scope, refId) !== communityId) throw new HttpError(400, ErrorCodes.BAD_REQUEST, `refId: ${scope} ${refId} is not a ${scope} of community ${communityId}`, "refId");
  };
  /** A change is in the database: the households' cached contacts are read again at their next press. */
  const changed = <T>(fn: () => T): T => {
    const out = db.$client.transaction(fn).immediate();
    dir.invalidate();
    return out;
  };

  app.post("/api/help-groups", admin, async (req, reply) => {
    const body = parse(createHelpGroupSchema, req.body);
    if (!community(body.communityId)) throw new HttpError(400, ErrorCodes.BAD_REQUEST, `communityId: no such community ${body.communityId}`, "communityId");
    checkPlace(body.communityId, body.scope, body.refId);
    const now = deps.now();
    const row = changed(() => {
      const g = db.insert(helpGroups).values({ ...body, createdAt: now }).returning().get();
      recordChange(db, { actor: auditActor(req), communityId: g.communityId, entity: "help_group", entityId: g.id, action: "create", after: g, at: now });
      return g;
    });
    return reply.status(201).send(helpGroupView(db, row));
  });

  app.get("/api/help-groups", reader, async (req, reply) => {
    const q = parse(helpGroupListQuerySchema, req.query);
    const seen = principalOf(req).communityIds;
    if (seen?.length === 0) return [];
    const page = keysetPage(q, helpGroups.id);
    const rows = db.select().from(helpGroups).where(and(
      seen === null ? undefined : inArray(helpGroups.communityId, seen),
      q.communityId !== undefined ? eq(helpGroups.communityId, q.communityId) : undefined,
      q.scope !== undefined ? eq(helpGroups.scope, q.scope) : undefined,
      q.refId !== undefined ? eq(helpGroups.refId, q.refId) : undefined,
      page.where,
    )).orderBy(page.orderBy).limit(page.limit).all();
    return page.finish(reply, rows, (g) => g.id).map((g) => helpGroupView(db, g));
  });

  app.get("/api/help-groups/:id", reader, async (req) => {
    const { id } = parse(idParamSchema, req.params);
    return helpGroupView(db, groupOf(req, id));
  });

  app.patch("/api/help-groups/:id", admin, async (req) => {
    const { id } = parse(idParamSchema, req.params);
    const patch = parse(patchHelpGroupSchema, req.body);
    const before = groupOf(req, id);
    if (patch.scope !== undefined || patch.refId !== undefined) checkPlace(before.communityId, patch.scope ?? before.scope, patch.refId ?? before.refId);
    if (Object.keys(patch).length === 0) return helpGroupView(db, before);
    const now = deps.now();
    const row = changed(() => {
      const g = db.update(helpGroups).set(patch).where(eq(helpGroups.id, id)).returning().get()!;
      recordChange(db, { actor: auditActor(req), communityId: g.communityId, entity: "help_group", entityId: id, action: "update", before, after: g, at: now });
      return g;
    });
    return helpGroupView(db, row);
  });

  app.delete("/api/help-groups/:id", admin, async (req, reply) => {
    const { id } = parse(idParamSchema, req.params);
    const before = helpGroupView(db, groupOf(req, id));
    const now = deps.now();
    changed(() => {
      db.delete(helpGroups).where(eq(helpGroups.id, id)).run(); // its members go with it (ON DELETE CASCADE)
      recordChange(db, { actor: auditActor(req), communityId: before.communityId, entity: "help_group", entityId: id, action: "delete", before, at: now });
    });
    return reply.status(204).send();
  });

  app.get("/api/help-groups/:id/members", reader, async (req, reply) => {
    const { id } = parse(idParamSchema, req.params);
    const q = parse(helpGroupMemberListQuerySchema, req.query);
    groupOf(req, id);
    const page = keysetPage(q, helpGroupMembers.id);
    const rows = db.select().from(helpGroupMembers).where(and(eq(helpGroupMembers.groupId, id), page.where)).orderBy(page.orderBy).limit(page.limit).all();
    return page.finish(reply, rows, (m) => m.id);
  });

  app.post("/api/help-groups/:id/members", admin, async (req, reply) => {
    const { id } = parse(idParamSchema, req.params);
    const g = groupOf(req, id);
    const c = community(g.communityId)!;
    const body = normalizePhoneFields(parse(createHelpGroupMemberSchema, req.body), ["phone"], c.countryCode);
    const now = deps.now();
    const row = changed(() => {
      const m = db.insert(helpGroupMembers).values({ ...body, language: body.language ?? c.language, groupId: id, createdAt: now }).returning().get();
      recordChange(db, { actor: auditActor(req), communityId: g.communityId, entity: "help_group_member", entityId: m.id, action: "create", after: m, at: now });
      return m;
    });
    return reply.status(201).send(row);
  });

  app.patch("/api/help-groups/:id/members/:memberId", admin, async (req) => {
    const { id, memberId } = parse(helpGroupMemberParamSchema, req.params);
    const g = groupOf(req, id);
    const before = getHelpGroupMember(db, id, memberId);
    if (!before) throw notFound(`help group member ${memberId}`);
    const patch = normalizePhoneFields(parse(patchHelpGroupMemberSchema, req.body), ["phone"], community(g.communityId)!.countryCode);
    if (Object.keys(patch).length === 0) return before;
    const now = deps.now();
    return changed(() => {
      const m = db.update(helpGroupMembers).set(patch).where(eq(helpGroupMembers.id, memberId)).returning().get()!;
      recordChange(db, { actor: auditActor(req), communityId: g.communityId, entity: "help_group_member", entityId: memberId, action: "update", before, after: m, at: now });
      return m;
    });
  });

  app.delete("/api/help-groups/:id/members/:memberId", admin, async (req, reply) => {
    const { id, memberId } = parse(helpGroupMemberParamSchema, req.params);
    const g = groupOf(req, id);
    const before = getHelpGroupMember(db, id, memberId);
    if (!before) throw notFound(`help group member ${memberId}`);
    const now = deps.now();
    changed(() => {
      db.delete(helpGroupMembers).where(eq(helpGroupMembers.id, memberId)).run();
      recordChange(db, { actor: auditActor(req), communityId: g.communityId, entity: "help_group_member", entityId: memberId, action: "delete", before, at: now });
    });
    return reply.status(204).send();
  });
}
