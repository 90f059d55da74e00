/**
 * Service requests' configuration: a community's service categories, grids (网格) with the places
 * they name, and their grid workers. Reading is for the community's console users; changing is admin.
 */
import { eq } from "drizzle-orm";
import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  createGridSchema, createGridWorkerSchema, ErrorCodes, gridListQuerySchema, idParamSchema, patchGridSchema, serviceCategoriesBodySchema,
} from "@helpkey/shared";
import { buildings, communities, grids, gridWorkers, households, units } from "../db/schema";
import { normalizePhoneFields } from "../registry/phone-fields";
import { categoriesFrom, gridView, memberConflicts, setMembers, type Members } from "../store/grids";
import { adminOnly, anyRole } from "../users/roles";
import { menuToCommunity } from "../tv/stb-menu";
import type { AppDeps } from "./app-deps";
import { canSee, principalOf } from "./auth";
import { HttpError, notFound, parse } from "./errors";

const consoleUser = { config: { access: anyRole } };
const admin = { config: { access: adminOnly } };

export function serviceRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db, dir } = deps.ctx;

  app.get("/api/communities/:id/service-categories", consoleUser, async (req) => {
    const { id } = parse(idParamSchema, req.params);
    const c = db.select().from(communities).where(eq(communities.id, id)).get();
    if (!c || !canSee(principalOf(req), id)) throw notFound(`community ${id}`);
    return { communityId: id, configured: c.serviceCategories !== null, categories: categoriesFrom(c.serviceCategories) };
  });

  app.put("/api/communities/:id/service-categories", admin, async (req) => {
    const { id } = parse(idParamSchema, req.params);
    const body = parse(serviceCategoriesBodySchema, req.body);
    if (!db.select().from(communities).where(eq(communities.id, id)).get()) throw notFound(`community ${id}`);
    db.update(communities).set({ serviceCategories: JSON.stringify(body.categories) }).where(eq(communities.id, id)).run();
    dir.invalidate();
    deps.dispatch(menuToCommunity(deps.ctx, id, body.categories));
    req.log.info({ communityId: id, categories: body.categories.length }, "service categories replaced");
    return { communityId: id, configured: true, categories: body.categories };
  });

  /** 400 unless every place named is in the grid's community; 409 when one is in another grid already. */
  const checkMembers = (communityId: number, gridId: number | null, m: Members) => {
    const inCommunity = (field: string, ids: number[] | undefined, communityOf: (id: number) => number | undefined) => {
      for (const ref of ids ?? []) if (communityOf(ref) !== communityId) throw new HttpError(400, ErrorCodes.BAD_REQUEST, `${field}: ${ref} is not a place of community ${communityId}`, field);
    };
    inCommunity("buildingIds", m.buildingIds, (ref) => db.select().from(buildings).where(eq(buildings.id, ref)).get()?.communityId);
    inCommunity("unitIds", m.unitIds, (ref) => db.select({ c: buildings.communityId }).from(units).innerJoin(buildings, eq(buildings.id, units.buildingId)).where(eq(units.id, ref)).get()?.c);
    inCommunity("householdIds", m.householdIds, (ref) =>
      db.select({ c: buildings.communityId }).from(households).innerJoin(units, eq(units.id, households.unitId)).innerJoin(buildings, eq(buildings.id, units.buildingId)).where(eq(households.id, ref)).get()?.c);
    const conflicts = memberConflicts(db, gridId, m);
    if (conflicts.length) throw new HttpError(409, ErrorCodes.CONFLICT, `each place belongs to one grid: ${conflicts.join("; ")}`);
  };

  const gridOf = (req: FastifyRequest, id: number) => {
    const g = db.select().from(grids).where(eq(grids.id, id)).get();
    if (!g || !canSee(principalOf(req), g.communityId)) throw notFound(`grid ${id}`);
    return g;
  };

  app.post("/api/grids", admin, async (req, reply) => {
    const body = parse(createGridSchema, req.body);
    if (!db.select().from(communities).where(eq(communities.id, body.communityId)).get()) throw new HttpError(400, ErrorCodes.BAD_REQUEST, `communityId: no such parent ${body.communityId}`, "communityId");
    checkMembers(body.communityId, null, body);
    const g = db.$client.transaction(() => {
      const row = db.insert(grids).values({ communityId: body.communityId, name: body.name, createdAt: deps.now() }).returning().get();
      setMembers(db, row.id, body);
      return row;
    }).immediate();
    dir.invalidate();
    return reply.status(201).send(gridView(db, g));
  });

  app.get("/api/grids", consoleUser, async (req) => {
    const q = parse(gridListQuerySchema, req.query);
    const p = principalOf(req);
    const rows = q.communityId ? db.select().from(grids).where(eq(grids.communityId, q.communityId)).all() : db.select().from(grids).all();
    return rows.filter((g) => canSee(p, g.communityId)).map((g) => gridView(db, g));
  });

  app.get("/api/grids/:id", consoleUser, async (req) => {
    const { id } = parse(idParamSchema, req.params);
    return gridView(db, gridOf(req, id));
  });

  app.patch("/api/grids/:id", admin, async (req) => {
    const { id } = parse(idParamSchema, req.params);
    const g = gridOf(req, id);
    const body = parse(patchGridSchema, req.body);
    checkMembers(g.communityId, id, body);
    db.$client.transaction(() => {
      if (body.name) db.update(grids).set({ name: body.name }).where(eq(grids.id, id)).run();
      setMembers(db, id, body);
    }).immediate();
    dir.invalidate();
    return gridView(db, gridOf(req, id));
  });

  app.delete("/api/grids/:id", admin, async (req, reply) => {
    const { id } = parse(idParamSchema, req.params);
    gridOf(req, id);
    db.delete(grids).where(eq(grids.id, id)).run(); // members and workers go with it (ON DELETE CASCADE)
    dir.invalidate();
    return reply.status(204).send();
  });

  app.post("/api/grids/:id/workers", admin, async (req, reply) => {
    const { id } = parse(idParamSchema, req.params);
    const g = gridOf(req, id);
    // the phone as typed, read in the grid's community's country
    const country = db.select({ c: communities.countryCode }).from(communities).where(eq(communities.id, g.communityId)).get()!.c;
    const body = normalizePhoneFields(parse(createGridWorkerSchema, req.body), ["phone"], country);
    const row = db.insert(gridWorkers).values({ gridId: id, ...body, createdAt: deps.now() }).returning().get();
    dir.invalidate();
    return reply.status(201).send(row);
  });

  app.delete("/api/grid-workers/:id", admin, async (req, reply) => {
    const { id } = parse(idParamSchema, req.params);
    if (!db.select().from(gridWorkers).where(eq(gridWorkers.id, id)).get()) throw notFound(`grid worker ${id}`);
    db.delete(gridWorkers).where(eq(gridWorkers.id, id)).run();
    dir.invalidate();
    return reply.status(204).send();
  });
}
