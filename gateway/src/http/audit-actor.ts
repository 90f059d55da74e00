/** Who the audit trail names for a request: the caller's name and console account (null for the admin token). */
import type { FastifyRequest } from "fastify";
import type { AuditActor } from "../registry/audit";
import { principalOf } from "./auth";

export function auditActor(req: FastifyRequest): AuditActor {
  const p = principalOf(req);
  return { name: p.name, userId: p.userId };
}
