/**
 * The registry's audit trail, newest first: who created, changed or deleted which record, and the
 * record before and after. Supervisors read the rows of the communities they see; install-wide rows
 * (no community: districts, accounts) are for admins only.
 *
 *   GET /api/audit?communityId=&entity=&entityId=&limit=&cursor=
 */
import { and, eq, inArray, isNotNull, type SQL } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { auditQuerySchema } from "@helpkey/shared";
import { auditLog } from "../db/schema";
import { keysetPage } from "../registry/paginate";
import type { Role } from "../users/roles";
import type { AppDeps } from "./app-deps";
import { principalOf } from "./auth";
import { parse } from "./errors";

const auditReaders: readonly Role[] = ["supervisor", "admin"];

type AuditRow = typeof auditLog.$inferSelect;

const parsed = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
const toAuditView = (r: AuditRow) => ({ ...r, before: parsed(r.before), after: parsed(r.after) });

export function auditRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.ctx;

  app.get("/api/audit", { config: { access: auditReaders } }, async (req, reply) => {
    const q = parse(auditQuerySchema, req.query);
    const p = principalOf(req);
    const where: (SQL | undefined)[] = [];
    if (p.role !== "admin") {
      if (p.communityIds?.length === 0) return [];
      where.push(p.communityIds === null ? isNotNull(auditLog.communityId) : inArray(auditLog.communityId, p.communityIds));
    }
    if (q.communityId !== undefined) where.push(eq(auditLog.communityId, q.communityId));
    if (q.entity !== undefined) where.push(eq(auditLog.entity, q.entity));
    if (q.entityId !== undefined) where.push(eq(auditLog.entityId, q.entityId));
    const page = keysetPage(q, auditLog.id, { order: "desc" });
    const rows = db.select().from(auditLog).where(and(...where, page.where)).orderBy(page.orderBy).limit(page.limit).all();
    return page.finish(reply, rows, (r) => r.id).map(toAuditView);
  });
}
