/**
 * Device supervision on the console, every route scoped to the caller's communities:
 *
 *   GET   /api/faults?state=open|all&communityId=&deviceId=&limit=&cursor=   technical alerts, newest first (paged)
 *   POST  /api/faults/:id/acknowledge                                        someone has it: its text, if not yet sent, never goes
 *   POST  /api/devices/:id/selftest                                          `cmd selftest`; the result comes back in the device's next status
 *   PATCH /api/devices/:id/supervision  {supervisionS: 20 | null}            close watch (its own window), or the community's; audited
 */
import { eq } from "drizzle-orm";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { actionBodySchema, deviceIdParamSchema, ErrorCodes, idParamSchema } from "@helpkey/shared";
import { faultListQuerySchema, supervisionBodySchema } from "@helpkey/shared/supervision";
import { emptyEffects } from "../alerts/effects";
import { devices, deviceFaults } from "../db/schema";
import { deviceView, placeOfHousehold } from "../devices/device-places";
import { recordChange } from "../registry/audit";
import { keysetPage } from "../registry/paginate";
import { getFault, listFaults, setSupervisionS } from "../store/device-faults";
import { acknowledge } from "../supervision/fault-flow";
import { toFaultView } from "../supervision/fault-view";
import { keepaliveFor, windowOf } from "../supervision/rules";
import { retimeSilence } from "../supervision/silence-flow";
import { configCmd } from "../supervision/status-flow";
import { anyRole, leads } from "../users/roles";
import type { AppDeps } from "./app-deps";
import { auditActor } from "./audit-actor";
import { canSee, principalOf } from "./auth";
import { HttpError, notFound, parse } from "./errors";

export function supervisionRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { ctx } = deps;
  const { db } = ctx;
  const consoleUser = { config: { access: anyRole } };

  /** An unrevoked device the caller may see, with its community; else 404 (another community's device is not there). */
  const visibleDevice = (req: FastifyRequest) => {
    const { id } = parse(deviceIdParamSchema, req.params);
    const d = db.select().from(devices).where(eq(devices.id, id)).get();
    const place = d && d.revokedAt === null ? placeOfHousehold(db, d.householdId) : undefined;
    if (!d || !place || !canSee(principalOf(req), place.communityId)) throw notFound(`device ${id}`);
    return { d, communityId: place.communityId };
  };

  app.get("/api/faults", consoleUser, async (req, reply) => {
    const q = parse(faultListQuerySchema, req.query);
    const p = principalOf(req);
    const communityIds = q.communityId === undefined ? p.communityIds : canSee(p, q.communityId) ? [q.communityId] : [];
    const page = keysetPage(q, deviceFaults.id, { order: "desc" });
    const rows = listFaults(db, { communityIds, deviceId: q.deviceId, open: q.state === "open" }, page);
    return page.finish(reply, rows, (r) => r.id).map((f) => toFaultView(ctx, f));
  });

  app.post("/api/faults/:id/acknowledge", consoleUser, async (req) => {
    const { id } = parse(idParamSchema, req.params);
    const p = principalOf(req);
    const existing = getFault(db, id);
    if (!existing || !canSee(p, existing.communityId)) throw notFound(`fault ${id}`);
    const actor = parse(actionBodySchema, req.body).by ?? p.name;
    const r = db.$client.transaction(() => acknowledge(ctx, id, actor, deps.now())).immediate();
    if (!r.ok) throw r.code === "not_found" ? notFound(`fault ${id}`) : new HttpError(409, ErrorCodes.CONFLICT, `fault ${id} is ${r.fault?.clearedAt !== null ? "cleared" : "acknowledged"} already`);
    deps.dispatch({ ...emptyEffects(), events: [r.event] });
    req.log.info({ faultId: id, deviceId: r.fault.deviceId, actor }, "fault acknowledged");
    return toFaultView(ctx, r.fault);
  });

  app.post("/api/devices/:id/selftest", consoleUser, async (req, reply) => {
    const { d } = visibleDevice(req);
    // QoS 1 to a device with a clean session: one that is not connected would never get it
    if (!d.online) throw new HttpError(409, ErrorCodes.CONFLICT, `device ${d.id} is offline: a self-test can be asked only while it is online`);
    deps.dispatch({ ...emptyEffects(), cmds: [{ deviceId: d.id, cmd: { type: "selftest" } }] });
    req.log.info({ deviceId: d.id, by: principalOf(req).name }, "self-test asked");
    return reply.status(202).send({ deviceId: d.id, askedAt: deps.now() });
  });

  app.patch("/api/devices/:id/supervision", { config: { access: leads } }, async (req) => {
    const { d: before, communityId } = visibleDevice(req);
    const { supervisionS } = parse(supervisionBodySchema, req.body);
    const now = deps.now();
    const after = db.$client.transaction(() => {
      const row = setSupervisionS(db, before.id, supervisionS)!;
      recordChange(db, { actor: auditActor(req), communityId, entity: "device", entityId: before.id, action: "update", before: deviceView(before), after: deviceView(row), at: now });
      return row;
    }).immediate();
    const info = ctx.dir.get(after.householdId);
    const p = info?.policy.supervision;
    // a device already silent counts its new window from when it went silent
    if (p && retimeSilence(ctx, after.id, windowOf(p, before.supervisionS), windowOf(p, after.supervisionS))) deps.wakeOutbox();
    // the new keepalive now; MQTT applies it from the device's next connection
    if (info && after.online) deps.dispatch({ ...emptyEffects(), cmds: [{ deviceId: after.id, cmd: configCmd(info, after) }] });
    req.log.info({ deviceId: after.id, supervisionS }, "device supervision window");
    return { id: after.id, supervisionS: after.supervisionS, windowS: p ? windowOf(p, after.supervisionS) : null, keepaliveS: p ? keepaliveFor(p, after.supervisionS) : null };
  });
}
