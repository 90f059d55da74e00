/**
 * Create / list / get / patch / delete for the community directory:
 * communities → buildings → units → households → residents, contacts. One table of kinds,
 * one set of handlers.
 */
import { asc, eq } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import {
  createBuildingSchema, createCommunitySchema, createContactSchema, createHouseholdSchema, createResidentSchema, createUnitSchema,
  ErrorCodes, idParamSchema, listQuerySchemas, patchSchemas,
} from "@helpkey/shared";
import { buildings, communities, contacts, households, residents, units } from "../db/schema";
import { adminOnly } from "../users/roles";
import { rearmWelfare } from "../welfare/welfare-flow";
import type { AppDeps } from "./app-deps";
import { HttpError, notFound, parse } from "./errors";

type Kind = keyof typeof patchSchemas;
interface KindDef {
  table: SQLiteTable & { id: SQLiteColumn };
  create: z.ZodType<Record<string, unknown>>;
  parent?: { key: string; column: SQLiteColumn; table: SQLiteTable & { id: SQLiteColumn } };
  /** Stored as JSON text. */
  jsonFields?: string[];
}

const kinds: Record<Kind, KindDef> = {
  communities: { table: communities, create: createCommunitySchema, jsonFields: ["policy"] },
  buildings: { table: buildings, create: createBuildingSchema, parent: { key: "communityId", column: buildings.communityId, table: communities } },
  units: { table: units, create: createUnitSchema, parent: { key: "buildingId", column: units.buildingId, table: buildings } },
  households: { table: households, create: createHouseholdSchema, parent: { key: "unitId", column: households.unitId, table: units } },
  residents: { table: residents, create: createResidentSchema, parent: { key: "householdId", column: residents.householdId, table: households } },
  contacts: { table: contacts, create: createContactSchema, parent: { key: "householdId", column: contacts.householdId, table: households } },
};

function toRow(def: KindDef, body: Record<string, unknown>): Record<string, unknown> {
  const row = { ...body };
  for (const f of def.jsonFields ?? []) if (row[f] !== undefined) row[f] = JSON.stringify(row[f]);
  return row;
}

function fromRow(def: KindDef, row: Record<string, unknown>): Record<string, unknown> {
  const out = { ...row };
  for (const f of def.jsonFields ?? []) if (typeof out[f] === "string") out[f] = JSON.parse(out[f] as string);
  return out;
}

export function directoryRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db, dir } = deps.ctx;
  const admin = { config: { access: adminOnly } };
  for (const [kind, def] of Object.entries(kinds) as [Kind, KindDef][]) {
    const getRow = (id: number) => db.select().from(def.table).where(eq(def.table.id, id)).get() as Record<string, unknown> | undefined;

    app.post(`/api/${kind}`, admin, async (req, reply) => {
      const body = parse(def.create, req.body);
      if (def.parent) {
        const parentId = body[def.parent.key] as number;
        if (!db.select().from(def.parent.table).where(eq(def.parent.table.id, parentId)).get()) throw new HttpError(400, ErrorCodes.BAD_REQUEST, `${def.parent.key}: no such parent ${parentId}`, def.parent.key);
      }
      const row = db.insert(def.table).values({ ...toRow(def, body), createdAt: deps.now() } as never).returning().get() as Record<string, unknown>;
      dir.invalidate();
      if (kind === "households" && body.livesAlone) rearmWelfare(deps.ctx, row.id as number, deps.now());
      return reply.status(201).send(fromRow(def, row));
    });

    app.get(`/api/${kind}`, admin, async (req) => {
      const q = parse(listQuerySchemas[kind], req.query) as Record<string, number | undefined>;
      const parentId = def.parent ? q[def.parent.key] : undefined;
      const rows = db.select().from(def.table).where(def.parent && parentId !== undefined ? eq(def.parent.column, parentId) : undefined).orderBy(asc(def.table.id)).all();
      return (rows as Record<string, unknown>[]).map((r) => fromRow(def, r));
    });

    app.get(`/api/${kind}/:id`, admin, async (req) => {
      const { id } = parse(idParamSchema, req.params);
      const row = getRow(id);
      if (!row) throw notFound(`${kind} ${id}`);
      return fromRow(def, row);
    });

    app.patch(`/api/${kind}/:id`, admin, async (req) => {
      const { id } = parse(idParamSchema, req.params);
      const patch = parse(patchSchemas[kind] as z.ZodType<Record<string, unknown>>, req.body);
      if (!getRow(id)) throw notFound(`${kind} ${id}`);
      if (Object.keys(patch).length > 0) db.update(def.table).set(toRow(def, patch) as never).where(eq(def.table.id, id)).run();
      dir.invalidate();
      // the welfare watch starts (or stops) with livesAlone, counted from now
      if (kind === "households" && patch.livesAlone !== undefined) rearmWelfare(deps.ctx, id, deps.now());
      return fromRow(def, getRow(id)!);
    });

    app.delete(`/api/${kind}/:id`, admin, async (req, reply) => {
      const { id } = parse(idParamSchema, req.params);
      if (!getRow(id)) throw notFound(`${kind} ${id}`);
      try {
        db.delete(def.table).where(eq(def.table.id, id)).run();
      } catch (err) {
        if ((err as { code?: string }).code === "SQLITE_CONSTRAINT_FOREIGNKEY") throw new HttpError(409, ErrorCodes.CONFLICT, `${kind} ${id} still has dependent records (delete or move them first)`);
        throw err;
      }
      dir.invalidate();
      return reply.status(204).send();
    });
  }
}
