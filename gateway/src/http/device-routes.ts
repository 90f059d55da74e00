/** Device provisioning: the secret is shown once, stored as a slow hash. */
import { randomBytes } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply } from "fastify";
import { createDeviceSchema, deviceIdParamSchema, ErrorCodes, listQuerySchemas, type CreatedDevice } from "@helpkey/shared";
import { devices, households } from "../db/schema";
import { HashPoolBusyError } from "../devices/hash-pool";
import { hashDeviceSecret, newSecret } from "../devices/secret-hash";
import { adminOnly } from "../users/roles";
import type { AppDeps } from "./app-deps";
import { HttpError, notFound, parse } from "./errors";

type DeviceRow = typeof devices.$inferSelect;
const view = ({ secretHash: _, ...d }: DeviceRow) => d;

export function deviceRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db, devices: registry } = deps.ctx;
  const admin = { config: { access: adminOnly } };
  const get = (id: string) => db.select().from(devices).where(eq(devices.id, id)).get();
  /** A new secret and its hash at device cost, on the hash pool: the device's first CONNECT is then as cheap as its hundredth. */
  const issueSecret = async (reply: FastifyReply): Promise<{ secret: string; secretHash: string }> => {
    const secret = newSecret();
    try {
      return { secret, secretHash: await hashDeviceSecret(secret, deps.hashes.derive) };
    } catch (err) {
      if (!(err instanceof HashPoolBusyError)) throw err;
      reply.header("retry-after", 2);
      throw new HttpError(503, ErrorCodes.BUSY, "too many secrets being checked right now: try again in a few seconds");
    }
  };

  app.post("/api/devices", admin, async (req, reply) => {
    const body = parse(createDeviceSchema, req.body);
    if (!db.select().from(households).where(eq(households.id, body.householdId)).get()) throw new HttpError(400, ErrorCodes.BAD_REQUEST, `householdId: no such household ${body.householdId}`, "householdId");
    const id = body.id ?? `${body.type === "button" ? "btn" : "stb"}-${randomBytes(5).toString("hex")}`;
    if (get(id)) throw new HttpError(409, ErrorCodes.CONFLICT, `device ${id} exists`);
    const { secret, secretHash } = await issueSecret(reply);
    // checked again after the hash: another request may have taken the id meanwhile
    if (get(id)) throw new HttpError(409, ErrorCodes.CONFLICT, `device ${id} exists`);
    db.insert(devices).values({ id, householdId: body.householdId, type: body.type, secretHash, createdAt: deps.now() }).run();
    registry.invalidate(id);
    req.log.info({ deviceId: id, householdId: body.householdId }, "device provisioned");
    return reply.status(201).send({ id, secret, mqtt: { url: deps.deviceMqttUrl } } satisfies CreatedDevice);
  });

  app.get("/api/devices", admin, async (req) => {
    const q = parse(listQuerySchemas.devices, req.query);
    return db.select().from(devices).where(q.householdId ? eq(devices.householdId, q.householdId) : undefined).orderBy(asc(devices.id)).all().map(view);
  });

  app.get("/api/devices/:id", admin, async (req) => {
    const { id } = parse(deviceIdParamSchema, req.params);
    const d = get(id);
    if (!d) throw notFound(`device ${id}`);
    return view(d);
  });

  app.post("/api/devices/:id/rotate-secret", admin, async (req, reply) => {
    const { id } = parse(deviceIdParamSchema, req.params);
    const d = get(id);
    if (!d || d.revokedAt) throw notFound(`device ${id}`);
    const { secret, secretHash } = await issueSecret(reply);
    db.update(devices).set({ secretHash }).where(eq(devices.id, id)).run();
    registry.invalidate(id);
    deps.disconnectDevice(id);
    req.log.info({ deviceId: id }, "device secret rotated");
    return { id, secret, mqtt: { url: deps.deviceMqttUrl } } satisfies CreatedDevice;
  });

  /** Revokes (keeps the row for the audit trail) and disconnects. */
  app.delete("/api/devices/:id", admin, async (req, reply) => {
    const { id } = parse(deviceIdParamSchema, req.params);
    if (!get(id)) throw notFound(`device ${id}`);
    db.update(devices).set({ revokedAt: deps.now(), online: false }).where(eq(devices.id, id)).run();
    registry.invalidate(id);
    deps.disconnectDevice(id);
    req.log.info({ deviceId: id }, "device revoked");
    return reply.status(204).send();
  });
}
