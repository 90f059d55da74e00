/**
 * `pnpm hk devices provision`: devices for a household, a unit or a building, provisioned one by
 * one through POST /api/devices, their credentials written to a file only the owner can read. The
 * file is written whatever happens (an error, Ctrl-C): a secret not written down is lost.
 */
import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { createdDeviceSchema, deviceTypes, type ProvisionedDevice } from "@helpkey/shared";
import { ApiError, type ApiClient } from "./api-client";
import { EXIT, oneOf, parse, positiveInt, progress, required, UsageError } from "./cli-kit";
import { group, type Command } from "./command";

const householdSchema = z.object({ id: z.number().int(), unitId: z.number().int() }).loose();
const unitSchema = z.object({ id: z.number().int(), buildingId: z.number().int() }).loose();
const anyRecord = z.object({ id: z.number().int() }).loose();

/** A busy hash pool answers 503: wait and send the same request again, this many times. */
const BUSY_RETRIES = 10;
const BUSY_WAIT_MS = 2000;
const MAX_PER_HOUSEHOLD = 20;

type Target = { kind: "household" | "unit" | "building"; id: number };

async function householdsOf(api: ApiClient, t: Target): Promise<number[]> {
  if (t.kind === "household") return [(await api.call(householdSchema, "GET", `/api/households/${t.id}`)).id];
  // the parent first: a unit or building that does not exist is a 404 with its name, not "no households"
  const unitIds = t.kind === "unit"
    ? [(await api.call(anyRecord, "GET", `/api/units/${t.id}`)).id]
    : (await api.call(anyRecord, "GET", `/api/buildings/${t.id}`), (await api.listAll(unitSchema, `/api/units?buildingId=${t.id}`)).filter((u) => u.buildingId === t.id).map((u) => u.id));
  const ids: number[] = [];
  for (const unitId of unitIds) {
    for (const h of await api.listAll(householdSchema, `/api/households?unitId=${unitId}`)) if (h.unitId === unitId) ids.push(h.id);
  }
  return ids.sort((a, b) => a - b);
}

async function provisionOne(api: ApiClient, householdId: number, type: (typeof deviceTypes)[number]): Promise<ProvisionedDevice> {
  for (let attempt = 1; ; attempt++) {
    try {
      const d = await api.call(createdDeviceSchema, "POST", "/api/devices", { json: { householdId, type } });
      return { ...d, householdId };
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 503 && attempt < BUSY_RETRIES)) throw err;
      await sleep(BUSY_WAIT_MS);
    }
  }
}

const provision: Command = async (args, ctx) => {
  const { values: v } = parse(args, {
    household: { type: "string" }, unit: { type: "string" }, building: { type: "string" },
    type: { type: "string" }, count: { type: "string" }, out: { type: "string" },
  });
  if (v.help) {
    process.stdout.write(`${ctx.m.help.devices}\n`);
    return EXIT.ok;
  }
  const targets = (["household", "unit", "building"] as const).filter((k) => v[k] !== undefined);
  if (targets.length !== 1) throw new UsageError("give exactly one of --household ID, --unit ID or --building ID");
  const target: Target = { kind: targets[0]!, id: positiveInt(v[targets[0]!], `--${targets[0]}`)! };
  const type = oneOf(v.type, deviceTypes, "--type", "button");
  const count = positiveInt(v.count, "--count", MAX_PER_HOUSEHOLD) ?? 1;
  const out = required(v.out, "--out", "the file to write the devices' credentials to");
  // taken now, before anything is provisioned: never overwritten, readable by its owner only
  let fd: number;
  try {
    fd = openSync(out, "wx", 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === "EEXIST" ? ctx.m.outExists(out) : `cannot create --out ${out}: ${code ?? (err as Error).message}`);
  }
  const written: ProvisionedDevice[] = [];
  let stopped = false;
  const onSignal = () => void (stopped = true);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let total = 0;
  try {
    const api = ctx.connect(v);
    const households = await householdsOf(api, target);
    if (households.length === 0) {
      process.stderr.write(`${ctx.m.noHouseholds(`${target.kind} ${target.id}`)}\n`);
      return EXIT.refused;
    }
    total = households.length * count;
    process.stderr.write(`${ctx.m.provisionPlan(total, households.length)}\n`);
    const bar = progress();
    for (const householdId of households) {
      for (let i = 0; i < count && !stopped; i++) {
        written.push(await provisionOne(api, householdId, type));
        bar.update(ctx.m.provisionProgress(written.length, total));
      }
      if (stopped) break;
    }
    bar.done();
    if (stopped) {
      process.stderr.write(`${ctx.m.provisionStopped(written.length, total, out)}\n`);
      return EXIT.refused;
    }
    process.stdout.write(v.json ? `${JSON.stringify(written.map(({ secret: _, ...d }) => d))}\n` : `${ctx.m.provisionDone(written.length, households.length, out)}\n`);
    return EXIT.ok;
  } catch (err) {
    if (written.length > 0) process.stderr.write(`${ctx.m.provisionStopped(written.length, total, out)}\n`);
    throw err;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (written.length > 0) writeSync(fd, `${JSON.stringify(written, null, 2)}\n`);
    closeSync(fd);
    // nothing provisioned: no file that looks like credentials
    if (written.length === 0) rmSync(out, { force: true });
  }
};

export const devicesCommand = group((ctx) => ctx.m.help.devices, { provision });
