/** Console accounts; every route here is admin-only. A change to who someone is or what they see ends their sessions and consoles at once. */
import { inArray } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { ErrorCodes, idParamSchema } from "@helpkey/shared";
import { communities } from "../db/schema";
import { adminOnly, createUserSchema, patchUserSchema, type Role } from "../users/roles";
import { createUser, disableUser, getUser, listUsers, toUserView, updateUser } from "../users/user-store";
import type { AppDeps } from "./app-deps";
import { HttpError, notFound, parse } from "./errors";

export function userRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.ctx;
  const admin = { config: { access: adminOnly } };

  /** A dispatcher or supervisor who sees no community would stare at an empty console all night. */
  const checkScope = (role: Role, communityIds: number[]) => {
    if (role === "admin") return;
    if (communityIds.length === 0) throw new HttpError(400, ErrorCodes.BAD_REQUEST, `communityIds: a ${role} needs at least one community`, "communityIds");
    const found = db.select({ id: communities.id }).from(communities).where(inArray(communities.id, communityIds)).all().map((r) => r.id);
    const missing = communityIds.filter((c) => !found.includes(c));
    if (missing.length) throw new HttpError(400, ErrorCodes.BAD_REQUEST, `communityIds: no such community ${missing.join(", ")}`, "communityIds");
  };

  app.post("/api/users", admin, async (req, reply) => {
    const body = parse(createUserSchema, req.body);
    checkScope(body.role, body.communityIds);
    try {
      const row = await createUser(db, body, deps.now(), deps.hashes);
      req.log.info({ userId: row.id, username: row.username, role: row.role }, "user created");
      return reply.status(201).send(toUserView(db, row));
    } catch (err) {
      if ((err as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") throw new HttpError(409, ErrorCodes.CONFLICT, `username ${body.username} is taken`, "username");
      throw err;
    }
  });

  app.get("/api/users", admin, async () => listUsers(db).map((u) => toUserView(db, u)));

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
    if (patch.communityIds !== undefined || patch.role !== undefined) checkScope(patch.role ?? u.role, patch.communityIds ?? (toUserView(db, u).communityIds ?? []));
    const updated = await updateUser(db, id, patch, deps.hashes);
    // updateUser ended the sessions a change of password, role or scope invalidates; their consoles go with them
    if (patch.password !== undefined || patch.role !== undefined || patch.communityIds !== undefined) {
      deps.hub.revoke((c) => c.userId === id, "account changed: log in again");
      req.log.info({ userId: id }, "user changed; sessions ended");
    }
    return toUserView(db, updated);
  });

  /** Disables rather than deletes: the account's name stays attached to what it did. */
  app.delete("/api/users/:id", admin, async (req, reply) => {
    const { id } = parse(idParamSchema, req.params);
    if (!getUser(db, id)) throw notFound(`user ${id}`);
    disableUser(db, id, deps.now());
    deps.hub.revoke((c) => c.userId === id, "account disabled");
    req.log.info({ userId: id }, "user disabled");
    return reply.status(204).send();
  });
}
