/**
 * Device provisioning and lifecycle (docs/device-protocol.md): the secret is shown once and stored
 * as a slow hash; rotation issues a new one and cuts the session the old one opened; revocation keeps
 * the row for the audit trail and cuts the session; a move sends the device's presses to another
 * household from its next press on (alerts it raised stay with the old household). Every change is
 * in the audit trail, never a secret.
 */
import { and, eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { createDeviceSchema, deviceIdParamSchema, ErrorCodes, listQuerySchemas, moveDeviceSchema, type CreatedDevice } from "@helpkey/shared";
import { emptyEffects } from "../alerts/effects";
import { devices } from "../db/schema";
import { deviceView, placeOfHousehold } from "../devices/device-places";
import { recordChange } from "../registry/audit";
import { keysetPage } from "../registry/paginate";
import { retireFaults } from "../supervision/fault-flow";
import { adminOnly } from "../users/roles";
import type { AppDeps } from "./app-deps";
import { auditActor as actorOf } from "./audit-actor";
import { bulkDeviceRoutes } from "./device-bulk-routes";
import { issueSecret, newDeviceId } from "./device-secrets";
import { HttpError, notFound, parse } from "./errors";
import { maintenanceRoutes } from "./maintenance-routes";

export function deviceRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db, devices: registry } = deps.ctx;
  const admin = { config: { access: adminOnly } };
  const get = (id: string) => db.select().from(devices).where(eq(devices.id, id)).get();
  const communityOf = (householdId: number) => placeOfHousehold(db, householdId)?.communityId ?? null;
  /** An unrevoked device, else 404. */
  const live = (id: string) => {
    const d = get(id);
    if (!d || d.revokedAt !== null) throw notFound(`device ${id}`);
    return d;
  };

  app.post("/api/devices", admin, async (req, reply) => {
    const body = parse(createDeviceSchema, req.body);
    const place = placeOfHousehold(db, body.householdId);
    if (!place) throw new HttpError(400, ErrorCodes.BAD_REQUEST, `householdId: no such household ${body.householdId}`, "householdId");
    const id = body.id ?? newDeviceId(body.type);
    if (get(id)) throw new HttpError(409, ErrorCodes.CONFLICT, `device ${id} exists`);
    const { secret, secretHash } = await issueSecret(deps.hashes.derive, reply);
    const now = deps.now();
    db.$client.transaction(() => {
      // checked again after the hash: another request may have taken the id meanwhile
      if (get(id)) throw new HttpError(409, ErrorCodes.CONFLICT, `device ${id} exists`);
      const row = db.insert(devices).values({ id, householdId: body.householdId, type: body.type, secretHash, secretIssuedAt: now, createdAt: now }).returning().get();
      recordChange(db, { actor: actorOf(req), communityId: place.communityId, entity: "device", entityId: id, action: "create", after: deviceView(row), at: now });
    }).immediate();
    registry.invalidate(id);
    req.log.info({ deviceId: id, householdId: body.householdId }, "device provisioned");
    return reply.status(201).send({ id, secret, mqtt: { url: deps.deviceMqttUrl } } satisfies CreatedDevice);
  });

  app.get("/api/devices", admin, async (req, reply) => {
    const q = parse(listQuerySchemas.devices, req.query);
    const page = keysetPage(q, devices.id, { key: "text" });
    const rows = db.select().from(devices).where(and(q.householdId ? eq(devices.householdId, q.householdId) : undefined, page.where)).orderBy(page.orderBy).limit(page.limit).all();
    return page.finish(reply, rows, (r) => r.id).map(deviceView);
  });

  app.get("/api/devices/:id", admin, async (req) => {
    const { id } = parse(deviceIdParamSchema, req.params);
    const d = get(id);
    if (!d) throw notFound(`device ${id}`);
    return deviceView(d);
  });

  /** A move: the device serves another household from its next press on; its open alerts stay where they were raised. */
  app.patch("/api/devices/:id", admin, async (req) => {
    const { id } = parse(deviceIdParamSchema, req.params);
    const body = parse(moveDeviceSchema, req.body);
    const before = live(id);
    const to = placeOfHousehold(db, body.householdId);
    if (!to) throw new HttpError(400, ErrorCodes.BAD_REQUEST, `householdId: no such household ${body.householdId}`, "householdId");
    if (before.householdId === body.householdId) return deviceView(before);
    const now = deps.now();
    const after = db.$client.transaction(() => {
      const row = db.update(devices).set({ householdId: body.householdId }).where(eq(devices.id, id)).returning().get()!;
      recordChange(db, { actor: actorOf(req), communityId: to.communityId, entity: "device", entityId: id, action: "update", before: deviceView(before), after: deviceView(row), at: now });
      return row;
    }).immediate();
    registry.invalidate(id);
    req.log.info({ deviceId: id, from: before.householdId, to: body.householdId }, "device moved");
    return deviceView(after);
  });

  app.post("/api/devices/:id/rotate-secret", admin, async (req, reply) => {
    const { id } = parse(deviceIdParamSchema, req.params);
    live(id);
    const { secret, secretHash } = await issueSecret(deps.hashes.derive, reply);
    const now = deps.now();
    db.$client.transaction(() => {
      const before = live(id);
      const row = db.update(devices).set({ secretHash, secretIssuedAt: now }).where(eq(devices.id, id)).returning().get()!;
      recordChange(db, { actor: actorOf(req), communityId: communityOf(row.householdId), entity: "device", entityId: id, action: "update", before: deviceView(before), after: deviceView(row), at: now });
    }).immediate();
    registry.invalidate(id);
    deps.disconnectDevice(id);
    req.log.info({ deviceId: id }, "device secret rotated");
    return { id, secret, mqtt: { url: deps.deviceMqttUrl } } satisfies CreatedDevice;
  });

  /** Revokes (keeps the row for the audit trail) and cuts its session; a reconnect is refused at CONNACK. */
  app.delete("/api/devices/:id", admin, async (req, reply) => {
    const { id } = parse(deviceIdParamSchema, req.params);
    const before = get(id);
    if (!before) throw notFound(`device ${id}`);
    if (before.revokedAt === null) {
      const now = deps.now();
      const cleared = db.$client.transaction(() => {
        const row = db.update(devices).set({ revokedAt: now, online: false }).where(eq(devices.id, id)).returning().get()!;
        recordChange(db, { actor: actorOf(req), communityId: communityOf(row.householdId), entity: "device", entityId: id, action: "delete", before: deviceView(before), after: deviceView(row), at: now });
        return retireFaults(deps.ctx, id, now);
      }).immediate();
      if (cleared.length > 0) deps.dispatch({ ...emptyEffects(), events: cleared });
    }
    registry.invalidate(id);
    deps.disconnectDevice(id);
    req.log.info({ deviceId: id }, "device revoked");
    return reply.status(204).send();
  });

  maintenanceRoutes(app, deps);
  bulkDeviceRoutes(app, deps);
}
