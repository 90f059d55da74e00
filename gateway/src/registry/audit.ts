/**
 * The registry's audit trail: every create, update and delete of a record, with who did it and the
 * record before and after. Secrets and door codes never reach it (callers pass views, not rows).
 */
import type { Db } from "../db/open";
import { auditLog } from "../db/schema";

export interface AuditActor {
  name: string;
  userId: number | null;
}

export interface RegistryChange {
  actor: AuditActor;
  /** The community the record belongs to; null for install-wide records (districts, users). */
  communityId: number | null;
  entity: string;
  entityId: string | number;
  action: "create" | "update" | "delete";
  before?: unknown;
  after?: unknown;
  at: number;
}

const SECRET_KEYS = new Set(["secret", "secretHash", "passwordHash", "password", "doorCode"]);

function json(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value, (k, v) => (SECRET_KEYS.has(k) ? undefined : v));
}

/** Writes one audit row; call it inside the same transaction as the change it records. */
export function recordChange(db: Db, c: RegistryChange): number {
  const row = db.insert(auditLog).values({
    at: c.at,
    actor: c.actor.name,
    userId: c.actor.userId,
    communityId: c.communityId,
    entity: c.entity,
    entityId: String(c.entityId),
    action: c.action,
    before: json(c.before),
    after: json(c.after),
  }).returning({ id: auditLog.id }).get();
  return row.id;
}
