/**
 * Create / list / get / patch / delete for the community directory:
 * communities → buildings → units → households → residents, contacts. One table of kinds
 * (registry/registry-kinds.ts), one set of handlers.
 *
 * Every console user reads the records of the communities they see (another community's record is
 * 404, so its existence does not show); only admins write. Lists page by id (registry/paginate.ts).
 * Phone numbers are typed as people write them and stored as E.164, read in the community's country.
 * Every change is written to the audit trail in the same transaction.
 */
import { and, eq } from "drizzle-orm";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ErrorCodes, idParamSchema, policyFrom } from "@helpkey/shared";
import { districts } from "../db/schema";
import { recordChange, type AuditActor } from "../registry/audit";
import { deleteBlock } from "../registry/delete-guard";
import { keysetPage, type PageQuery } from "../registry/paginate";
import { normalizePhoneFields } from "../registry/phone-fields";
import { communityOf, getRow, getVisibleRow, kinds, toStored, viewOf, viewsOf, type CommunityRow, type Kind } from "../registry/registry-kinds";
import { retimeCommunitySilence } from "../supervision/silence-flow";
import { adminOnly, anyRole } from "../users/roles";
import { rearmWelfare, retimeWelfare } from "../welfare/welfare-flow";
import type { AppDeps } from "./app-deps";
import { principalOf } from "./auth";
import { HttpError, notFound, parse } from "./errors";

type Row = Record<string, unknown>;

const actorOf = (req: FastifyRequest): AuditActor => {
  const p = principalOf(req);
  return { name: p.name, userId: p.userId };
};

export function directoryRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db, dir } = deps.ctx;
  const admin = { config: { access: adminOnly } };
  const reader = { config: { access: anyRole } };

  /** 400 naming `districtId` unless the district exists (null detaches the community). */
  const checkDistrict = (body: Row) => {
    const id = body.districtId;
    if (typeof id === "number" && !db.select({ id: districts.id }).from(districts).where(eq(districts.id, id)).get()) {
      throw new HttpError(400, ErrorCodes.BAD_REQUEST, `districtId: no such district ${id}`, "districtId");
    }
  };

  for (const [kind, def] of Object.entries(kinds) as [Kind, (typeof kinds)[Kind]][]) {
    const communityIdOf = (row: Row): number | null => communityOf(db, kind, row)?.id ?? null;

    app.post(`/api/${kind}`, admin, async (req, reply) => {
      let body = parse(def.create, req.body);
      let community: CommunityRow | undefined;
      if (def.parent) {
        const parentId = body[def.parent.key] as number;
        const parent = getRow(db, def.parent.kind, parentId);
        if (!parent) throw new HttpError(400, ErrorCodes.BAD_REQUEST, `${def.parent.key}: no such parent ${parentId}`, def.parent.key);
        community = communityOf(db, def.parent.kind, parent);
      } else {
        checkDistrict(body);
      }
      body = normalizePhoneFields(body, def.phoneFields, community?.countryCode ?? (body.countryCode as string));
      const view = db.$client.transaction(() => {
        const row = db.insert(def.table).values({ ...toStored(kind, body), createdAt: deps.now() } as never).returning().get() as Row;
        const after = viewOf(db, kind, row);
        recordChange(db, { actor: actorOf(req), communityId: community?.id ?? (row.id as number), entity: def.entity, entityId: row.id as number, action: "create", after, at: deps.now() });
        return after;
      }).immediate();
      dir.invalidate();
      if (kind === "households" && body.livesAlone) rearmWelfare(deps.ctx, view.id as number, deps.now());
      return reply.status(201).send(view);
    });

    app.get(`/api/${kind}`, reader, async (req, reply) => {
      const q = parse(def.list, req.query) as Row & PageQuery;
      const seen = principalOf(req).communityIds;
      if (seen?.length === 0) return [];
      const page = keysetPage(q, def.table.id);
      const rows = db.select().from(def.table)
        .where(and(seen === null ? undefined : def.within(db, seen), ...def.filters(db, q), page.where))
        .orderBy(page.orderBy).limit(page.limit).all() as Row[];
      return viewsOf(db, kind, page.finish(reply, rows, (r) => r.id as number));
    });

    app.get(`/api/${kind}/:id`, reader, async (req) => {
      const { id } = parse(idParamSchema, req.params);
      const row = getVisibleRow(db, kind, id, principalOf(req).communityIds);
      if (!row) throw notFound(`${kind} ${id}`);
      return viewOf(db, kind, row);
    });

    app.patch(`/api/${kind}/:id`, admin, async (req) => {
      const { id } = parse(idParamSchema, req.params);
      let patch = parse(def.patch, req.body);
      const existing = getRow(db, kind, id);
      if (!existing) throw notFound(`${kind} ${id}`);
      if (kind === "communities") checkDistrict(patch);
      const community = communityOf(db, kind, existing)!;
      // a community's own phones are read in the country this PATCH gives it, if it gives one
      patch = normalizePhoneFields(patch, def.phoneFields, (patch.countryCode as string | undefined) ?? community.countryCode);
      if (Object.keys(patch).length === 0) return viewOf(db, kind, existing);
      const view = db.$client.transaction(() => {
        const before = viewOf(db, kind, getRow(db, kind, id)!);
        db.update(def.table).set(toStored(kind, patch) as never).where(eq(def.table.id, id)).run();
        const after = viewOf(db, kind, getRow(db, kind, id)!);
        recordChange(db, { actor: actorOf(req), communityId: community.id, entity: def.entity, entityId: id, action: "update", before, after, at: deps.now() });
        return after;
      }).immediate();
      dir.invalidate();
      // the welfare watch starts (or stops) with livesAlone, counted from now
      if (kind === "households" && patch.livesAlone !== undefined) rearmWelfare(deps.ctx, id, deps.now());
      // a new welfare span, waking hours or supervision window apply to the timers already running
      if (kind === "communities" && patch.policy !== undefined) {
        const windowS = (c: CommunityRow) => policyFrom(c.policy).supervision.windowS;
        const moved = retimeWelfare(deps.ctx, id, deps.now()) + retimeCommunitySilence(deps.ctx, id, windowS(community), windowS(getRow(db, kind, id) as CommunityRow));
        if (moved > 0) deps.wakeOutbox();
      }
      return view;
    });

    app.delete(`/api/${kind}/:id`, admin, async (req, reply) => {
      const { id } = parse(idParamSchema, req.params);
      db.$client.transaction(() => {
        const existing = getRow(db, kind, id);
        if (!existing) throw notFound(`${kind} ${id}`);
        const blocked = deleteBlock(db, kind, id);
        if (blocked) throw blocked;
        const before = viewOf(db, kind, existing);
        const communityId = communityIdOf(existing);
        try {
          db.delete(def.table).where(eq(def.table.id, id)).run();
        } catch (err) {
          // a dependent the guard does not list yet: still refused, never a 500
          if ((err as { code?: string }).code === "SQLITE_CONSTRAINT_FOREIGNKEY") throw new HttpError(409, ErrorCodes.CONFLICT, `${def.entity} ${id} still has dependent records: delete or move them first`);
          throw err;
        }
        recordChange(db, { actor: actorOf(req), communityId, entity: def.entity, entityId: id, action: "delete", before, at: deps.now() });
      }).immediate();
      dir.invalidate();
      return reply.status(204).send();
    });
  }
}
