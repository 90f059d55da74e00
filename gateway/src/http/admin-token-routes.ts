/**
 * `POST /api/admin-token/rotate` (admins): a new admin token, shown once in the answer; the old one
 * stops working at once, and every console session and console socket it opened ends. 409 when
 * HK_ADMIN_TOKEN is set, because the environment names the token again at the next start.
 */
import type { FastifyInstance } from "fastify";
import { ErrorCodes } from "@helpkey/shared";
import { adminOnly } from "../users/roles";
import type { AppDeps } from "./app-deps";
import { principalOf } from "./auth";
import { HttpError } from "./errors";

export function adminTokenRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post("/api/admin-token/rotate", { config: { access: adminOnly } }, async (req, reply) => {
    const rotation = deps.adminTokenRotation;
    if (!rotation || rotation.fromEnvironment) {
      throw new HttpError(409, ErrorCodes.CONFLICT, "the admin token comes from HK_ADMIN_TOKEN, which names it again at every start: set a new value there and restart the gateway instead");
    }
    const { token, endedSessions } = rotation.rotate();
    const consoles = deps.hub.revoke((c) => c.userId === null, "the admin token was replaced: log in again");
    req.log.warn({ by: principalOf(req).name, endedSessions, consoles }, "admin token rotated");
    // the token is in this answer only: no cache may keep it
    return reply.header("cache-control", "no-store").send({ token, endedSessions, closedConsoles: consoles });
  });
}
