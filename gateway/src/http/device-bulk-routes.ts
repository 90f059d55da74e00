/**
 * Bulk provisioning: one device per household of a unit or a building (optionally only some rooms),
 * answered with the installer's sheet (text/csv, RFC 4180) or, with `Accept: application/json`, the
 * credentials array. The secrets are in this response only: the database keeps their slow hashes
 * and the audit trail names each device created, never its secret.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { BULK_CSV_COLUMNS, BULK_MAX_DEVICES, bulkProvisionSchema, ErrorCodes, roomMatcher, type ConsoleEvent, type ProvisionedDevice } from "@helpkey/shared";
import { emptyEffects } from "../alerts/effects";
import { buildings, devices, units } from "../db/schema";
import { deviceView, householdsIn, liveDevicesOf, type DeviceRow, type HouseholdPlace } from "../devices/device-places";
import { recordChange } from "../registry/audit";
import { retireFaults } from "../supervision/fault-flow";
import { adminOnly } from "../users/roles";
import type { AppDeps } from "./app-deps";
import { auditActor } from "./audit-actor";
import { issueSecrets, newDeviceId } from "./device-secrets";
import { HttpError, parse } from "./errors";

interface Provisioned extends HouseholdPlace {
  id: string;
  secret: string;
}

/**
 * One CSV cell: quoted when it holds a comma, quote or line break; a name a person typed that opens
 * with a formula character gets a leading apostrophe, so a spreadsheet shows it instead of running
 * it (OWASP, "CSV Injection").
 */
function cell(value: string | number, typed = false): string {
  let v = String(value);
  if (typed && /^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The installer's sheet: a byte-order mark (spreadsheets then read the Chinese names as UTF-8), the header, a row per device. */
function toCsv(rows: Provisioned[], mqttUrl: string): string {
  const lines = [BULK_CSV_COLUMNS.join(",")];
  for (const r of rows) lines.push([cell(r.id), cell(r.secret), cell(r.householdId), cell(r.building, true), cell(r.unit, true), cell(r.room, true), cell(mqttUrl)].join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

const wantsJson = (req: FastifyRequest) => /application\/json/i.test(req.headers.accept ?? "") && !/text\/csv/i.test(req.headers.accept ?? "");

export function bulkDeviceRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db, devices: registry } = deps.ctx;

  app.post("/api/devices/bulk", { config: { access: adminOnly } }, async (req, reply) => {
    const body = parse(bulkProvisionSchema, req.body);
    const field = body.unitId !== undefined ? "unitId" : "buildingId";
    const place: { unitId: number } | { buildingId: number } = body.unitId !== undefined ? { unitId: body.unitId } : { buildingId: body.buildingId! };
    const exists = "unitId" in place
      ? db.select({ id: units.id }).from(units).where(eq(units.id, place.unitId)).get()
      : db.select({ id: buildings.id }).from(buildings).where(eq(buildings.id, place.buildingId)).get();
    if (!exists) throw new HttpError(400, ErrorCodes.BAD_REQUEST, `${field}: no such ${field === "unitId" ? "unit" : "building"} ${"unitId" in place ? place.unitId : place.buildingId}`, field);

    const match = body.rooms ? roomMatcher(body.rooms) : () => true;
    const homes = householdsIn(db, place).filter((h) => match(h.room));
    const equipped = new Set(liveDevicesOf(db, homes.map((h) => h.householdId), body.type).map((d) => d.householdId));
    const targets = body.replace ? homes : homes.filter((h) => !equipped.has(h.householdId));
    if (targets.length > BULK_MAX_DEVICES) {
      throw new HttpError(400, ErrorCodes.BAD_REQUEST, `${field}: ${targets.length} households selected, at most ${BULK_MAX_DEVICES} per call (narrow it with rooms, or provision unit by unit)`, field);
    }

    const secrets = await issueSecrets(deps.hashes.derive, targets.length, reply);
    const now = deps.now();
    const actor = auditActor(req);
    const { created, revoked, cleared } = db.$client.transaction(() => {
      const created: Provisioned[] = [];
      const revoked: string[] = [];
      const cleared: ConsoleEvent[] = [];
      // what other requests did while the secrets were hashed counts: a household equipped meanwhile is skipped (or replaced)
      const live = new Map<number, DeviceRow[]>();
      for (const d of liveDevicesOf(db, targets.map((h) => h.householdId), body.type)) live.set(d.householdId, [...(live.get(d.householdId) ?? []), d]);
      targets.forEach((h, i) => {
        const old = live.get(h.householdId) ?? [];
        if (old.length > 0 && !body.replace) return;
        for (const d of old) {
          const after = db.update(devices).set({ revokedAt: now, online: false }).where(and(eq(devices.id, d.id), isNull(devices.revokedAt))).returning().get();
          if (!after) continue;
          recordChange(db, { actor, communityId: h.communityId, entity: "device", entityId: d.id, action: "delete", before: deviceView(d), after: deviceView(after), at: now });
          revoked.push(d.id);
          cleared.push(...retireFaults(deps.ctx, d.id, now));
        }
        let id = newDeviceId(body.type);
        while (db.select({ id: devices.id }).from(devices).where(eq(devices.id, id)).get()) id = newDeviceId(body.type);
        const { secret, secretHash } = secrets[i]!;
        const row = db.insert(devices).values({ id, householdId: h.householdId, type: body.type, secretHash, secretIssuedAt: now, createdAt: now }).returning().get();
        recordChange(db, { actor, communityId: h.communityId, entity: "device", entityId: id, action: "create", after: deviceView(row), at: now });
        created.push({ ...h, id, secret });
      });
      return { created, revoked, cleared };
    }).immediate();
    if (cleared.length > 0) deps.dispatch({ ...emptyEffects(), events: cleared });

    for (const id of revoked) {
      registry.invalidate(id);
      deps.disconnectDevice(id);
    }
    for (const d of created) registry.invalidate(d.id);
    req.log.info({ ...place, type: body.type, created: created.length, replaced: revoked.length, skipped: homes.length - created.length }, "devices provisioned in bulk");

    reply.status(201).header("cache-control", "no-store");
    if (wantsJson(req)) return created.map((d): ProvisionedDevice => ({ id: d.id, secret: d.secret, mqtt: { url: deps.deviceMqttUrl }, householdId: d.householdId }));
    const name = `devices-${"unitId" in place ? `unit-${place.unitId}` : `building-${place.buildingId}`}.csv`;
    return reply.type("text/csv; charset=utf-8").header("content-disposition", `attachment; filename="${name}"`).send(toCsv(created, deps.deviceMqttUrl));
  });
}
