/**
 * The district tier over HTTP: districts (admins write; a district user reads its own, another
 * district is 404) and the district dashboard. Every change is audited.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { createDistrictSchema, districtDashboardQuerySchema, districtListQuerySchema, ErrorCodes, idParamSchema, patchDistrictSchema } from "@helpkey/shared";
import { districtDashboard } from "../district/dashboard-query";
import { createDistrict, deleteDistrict, getDistrict, listDistricts, toDistrictView, updateDistrict } from "../district/district-store";
import { districts } from "../db/schema";
import { keysetPage } from "../registry/paginate";
import { adminOnly, districtReaders } from "../users/roles";
import { districtsOf } from "../users/user-store";
import type { AppDeps } from "./app-deps";
import { auditActor } from "./audit-actor";
import { principalOf } from "./auth";
import { HttpError, notFound, parse } from "./errors";

export function districtRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.ctx;
  const admin = { config: { access: adminOnly } };
  const readers = { config: { access: districtReaders } };
  /** The districts the caller sees: null for admins (every one). */
  const visible = (req: FastifyRequest): number[] | null => {
    const p = principalOf(req);
    if (p.role === "admin") return null;
    return p.userId === null ? [] : districtsOf(db, p.userId);
  };
  /** The district, if it exists and the caller sees it; else 404 (another district's existence is not told). */
  const seen = (req: FastifyRequest, id: number) => {
    const d = getDistrict(db, id);
    const ids = visible(req);
    if (!d || (ids !== null && !ids.includes(id))) throw notFound(`district ${id}`);
    return d;
  };

  app.post("/api/districts", admin, async (req, reply) => {
    const body = parse(createDistrictSchema, req.body);
    const row = createDistrict(db, body, auditActor(req), deps.now());
    req.log.info({ districtId: row.id }, "district created");
    return reply.status(201).send(toDistrictView(db, row));
  });

  app.get("/api/districts", readers, async (req, reply) => {
    const q = parse(districtListQuerySchema, req.query);
    const page = keysetPage(q, districts.id);
    return page.finish(reply, listDistricts(db, page, visible(req)), (d) => d.id).map((d) => toDistrictView(db, d));
  });

  app.get("/api/districts/:id", readers, async (req) => {
    const { id } = parse(idParamSchema, req.params);
    return toDistrictView(db, seen(req, id));
  });

  app.patch("/api/districts/:id", admin, async (req) => {
    const { id } = parse(idParamSchema, req.params);
    const patch = parse(patchDistrictSchema, req.body);
    if (!getDistrict(db, id)) throw notFound(`district ${id}`);
    return toDistrictView(db, updateDistrict(db, id, patch, auditActor(req), deps.now()));
  });

  /** Refused while communities name it: they would drop out of the district tier unnoticed. */
  app.delete("/api/districts/:id", admin, async (req, reply) => {
    const { id } = parse(idParamSchema, req.params);
    if (!getDistrict(db, id)) throw notFound(`district ${id}`);
    const r = deleteDistrict(db, id, auditActor(req), deps.now());
    if (!r.ok) throw new HttpError(409, ErrorCodes.CONFLICT, `district ${id} still has communities ${r.communityIds.join(", ")}: move them to another district (or none) first`);
    req.log.info({ districtId: id }, "district deleted");
    return reply.status(204).send();
  });

  app.get("/api/district/dashboard", readers, async (req) => {
    const q = parse(districtDashboardQuerySchema, req.query);
    const ids = visible(req);
    if (q.districtId !== undefined) seen(req, q.districtId);
    return districtDashboard(db, deps.ctx.dir, q.districtId !== undefined ? [q.districtId] : ids, deps.now());
  });
}
