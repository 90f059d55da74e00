/**
 * Console accounts; every route here is admin-only, and every change is audited. A change to who
 * someone is or what they see ends their sessions and consoles at once.
 */
import { inArray } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { ErrorCodes, idParamSchema } from "@helpkey/shared";
import { communities, districts, users } from "../db/schema";
import { keysetPage } from "../registry/paginate";
import { adminOnly, createUserSchema, patchUserSchema, userListQuerySchema, type Role } from "../users/roles";
import { communitiesOf, createUser, disableUser, districtsOf, endsSessions, getUser, listUsers, toUserView, updateUser } from "../users/user-store";
import type { AppDeps } from "./app-deps";
import { auditActor } from "./audit-actor";
import { HttpError, notFound, parse } from "./errors";

export function userRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.ctx;
  const admin = { config: { access: adminOnly } };

  const missingIds = (table: typeof communities | typeof districts, ids: number[]) => {
    const found = new Set(db.select({ id: table.id }).from(table).where(inArray(table.id, ids)).all().map((r) => r.id));
    return ids.filter((i) => !found.has(i));
  };

  /**
   * A dispatcher or supervisor who sees no community, or a district user who sees no district,
   * would stare at an empty console all night: 400 naming the field that is missing.
   */
  const checkScope = (role: Role, communityIds: number[], districtIds: number[]) => {
    if (role === "admin") return;
    if (role === "district") {
      if (districtIds.length === 0) throw new HttpError(400, ErrorCodes.BAD_REQUEST, "districtIds: a district user needs at least one district", "districtIds");
      const missing = missingIds(districts, districtIds);
      if (missing.length) throw new HttpError(400, ErrorCodes.BAD_REQUEST, `districtIds: no such district ${missing.join(", ")}`, "districtIds");
      return;
    }
    if (communityIds.length === 0) throw new HttpError(400, ErrorCodes.BAD_REQUEST, `communityIds: a ${role} needs at least one community`, "communityIds");
    const missing = missingIds(communities, communityIds);
    if (missing.length) throw new HttpError(400, ErrorCodes.BAD_REQUEST, `communityIds: no such community ${missing.join(", ")}`, "communityIds");
  };

  app.post("/api/users", admin, async (req, reply) => {
    const body = parse(createUserSchema, req.body);
    checkScope(body.role, body.communityIds, body.districtIds);
    try {
      const row = await createUser(db, body, auditActor(req), deps.now(), deps.hashes);
      req.log.info({ userId: row.id, username: row.username, role: row.role }, "user created");
      return reply.status(201).send(toUserView(db, row));
    } catch (err) {
      if ((err as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") throw new HttpError(409, ErrorCodes.CONFLICT, `username ${body.username} is taken`, "username");
      throw err;
    }
  });

  app.get("/api/users", admin, async (req, reply) => {
    const q = parse(userListQuerySchema, req.query);
    const page = keysetPage(q, users.id);
    return page.finish(reply, listUsers(db, page, q.role), (u) => u.id).map((u) => toUserView(db, u));
  });

  app.get("/api/users/:id", admin, async (req) => {
    const { id } = parse(idParamSchema, req.params);
    const u = getUser(db, id);
    if (!u) throw notFound(`user ${id}`);
    return toUserView(db, u);
  });

  app.patch("/api/users/:id", admin, async (req) => {
    const { id } = parse(idParamSchema, req.params);
    const patch = parse(patchUserSchema, req.body);
    const u = getUser(db, id);
    if (!u) throw notFound(`user ${id}`);
    if (patch.role !== undefined || patch.communityIds !== undefined || patch.districtIds !== undefined) {
      checkScope(patch.role ?? u.role, patch.communityIds ?? communitiesOf(db, id), patch.districtIds ?? districtsOf(db, id));
    }
    const updated = await updateUser(db, id, patch, auditActor(req), deps.now(), deps.hashes);
    // updateUser ended the sessions a change of password, role or scope invalidates; their consoles go with them
    if (endsSessions(patch)) {
      deps.hub.revoke((c) => c.userId === id, "account changed: log in again");
      req.log.info({ userId: id }, "user changed; sessions ended");
    }
    return toUserView(db, updated);
  });

  /** Disables rather than deletes: the account's name stays attached to what it did. */
  app.delete("/api/users/:id", admin, async (req, reply) => {
    const { id } = parse(idParamSchema, req.params);
    if (!getUser(db, id)) throw notFound(`user ${id}`);
    disableUser(db, id, auditActor(req), deps.now());
    deps.hub.revoke((c) => c.userId === id, "account disabled");
    req.log.info({ userId: id }, "user disabled");
    return reply.status(204).send();
  });
}
