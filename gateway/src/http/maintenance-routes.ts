/**
 * Maintenance of a device or a whole household (installation, a test of the button, a flat being
 * set up): its presses still raise alerts, stored, acked and on the console marked "maintenance",
 * and nobody is texted or called. `{on: true}` sets maintenanceAt, `{on: false}` clears it; audited.
 */
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { deviceIdParamSchema, idParamSchema, maintenanceBodySchema } from "@helpkey/shared";
import { devices, households } from "../db/schema";
import { deviceView, placeOfHousehold } from "../devices/device-places";
import { recordChange } from "../registry/audit";
import { adminOnly } from "../users/roles";
import type { AppDeps } from "./app-deps";
import { auditActor } from "./audit-actor";
import { notFound, parse } from "./errors";

/** Turning it on again keeps the time it started; off clears it. */
const nextMark = (current: number | null, on: boolean, now: number) => (on ? current ?? now : null);

export function maintenanceRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db, dir, devices: registry } = deps.ctx;
  const admin = { config: { access: adminOnly } };

  app.post("/api/devices/:id/maintenance", admin, async (req) => {
    const { id } = parse(deviceIdParamSchema, req.params);
    const { on } = parse(maintenanceBodySchema, req.body);
    const now = deps.now();
    const row = db.$client.transaction(() => {
      const before = db.select().from(devices).where(eq(devices.id, id)).get();
      if (!before || before.revokedAt !== null) throw notFound(`device ${id}`);
      const maintenanceAt = nextMark(before.maintenanceAt, on, now);
      if (maintenanceAt === before.maintenanceAt) return before;
      const after = db.update(devices).set({ maintenanceAt }).where(eq(devices.id, id)).returning().get()!;
      const communityId = placeOfHousehold(db, after.householdId)?.communityId ?? null;
      recordChange(db, { actor: auditActor(req), communityId, entity: "device", entityId: id, action: "update", before: deviceView(before), after: deviceView(after), at: now });
      return after;
    }).immediate();
    registry.invalidate(id);
    req.log.info({ deviceId: id, maintenance: on }, "device maintenance");
    return deviceView(row);
  });

  app.post("/api/households/:id/maintenance", admin, async (req) => {
    const { id } = parse(idParamSchema, req.params);
    const { on } = parse(maintenanceBodySchema, req.body);
    const now = deps.now();
    const row = db.$client.transaction(() => {
      const before = db.select().from(households).where(eq(households.id, id)).get();
      if (!before) throw notFound(`household ${id}`);
      const maintenanceAt = nextMark(before.maintenanceAt, on, now);
      if (maintenanceAt === before.maintenanceAt) return before;
      const after = db.update(households).set({ maintenanceAt }).where(eq(households.id, id)).returning().get()!;
      const communityId = placeOfHousehold(db, id)?.communityId ?? null;
      recordChange(db, { actor: auditActor(req), communityId, entity: "household", entityId: id, action: "update", before, after, at: now });
      return after;
    }).immediate();
    dir.invalidate();
    req.log.info({ householdId: id, maintenance: on }, "household maintenance");
    return { id: row.id, maintenanceAt: row.maintenanceAt };
  });
}
