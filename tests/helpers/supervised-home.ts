/** A community with short supervision timings, a household with its family contact, a grid and its workers: for the supervision tests. */
import type { FaultType, FaultView } from "@helpkey/shared/supervision";
import type { Api } from "./system";

export interface SupervisedHome {
  communityId: number;
  householdId: number;
  familyPhone: string;
  workers: { phone: string; language: "zh-CN" | "en" }[];
  /** Provisions another device of the household. */
  device(type?: "button" | "stb"): Promise<{ id: string; secret: string }>;
}

const ok = <T>(r: { status: number; body: T }, what: string): T => {
  if (r.status !== 201 && r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

let n = 0;

export async function supervisedHome(api: Api, o: { supervision: Record<string, number>; timeZone?: string; workers?: { name: string; language: "zh-CN" | "en" }[] }): Promise<SupervisedHome> {
  const k = ++n;
  const policy = { timeZone: o.timeZone ?? "UTC", quietHours: null, supervision: o.supervision };
  const communityId = ok(await api<{ id: number }>("POST", "/api/communities", { name: `Supervised ${k}`, language: "en", policy }), "community").id;
  const buildingId = ok(await api<{ id: number }>("POST", "/api/buildings", { communityId, name: "B1" }), "building").id;
  const unitId = ok(await api<{ id: number }>("POST", "/api/units", { buildingId, name: "U1" }), "unit").id;
  const householdId = ok(await api<{ id: number }>("POST", "/api/households", { unitId, room: "101" }), "household").id;
  ok(await api("POST", "/api/residents", { householdId, name: "Grandpa Li", language: "en" }), "resident");
  const familyPhone = `+86139000${String(k).padStart(2, "0")}900`;
  ok(await api("POST", "/api/contacts", { householdId, name: "Son", phone: familyPhone, relation: "son", priority: 1, language: "en" }), "contact");
  const grid = ok(await api<{ id: number }>("POST", "/api/grids", { communityId, name: "Grid", householdIds: [householdId] }), "grid");
  const workers: SupervisedHome["workers"] = [];
  for (const [i, w] of (o.workers ?? [{ name: "Worker Sun", language: "en" as const }]).entries()) {
    const phone = `+86139000${String(k).padStart(2, "0")}${910 + i}`;
    ok(await api("POST", `/api/grids/${grid.id}/workers`, { name: w.name, phone, language: w.language }), "worker");
    workers.push({ phone, language: w.language });
  }
  const device = async (type: "button" | "stb" = "button") => ok(await api<{ id: string; secret: string }>("POST", "/api/devices", { householdId, type }), "device");
  return { communityId, householdId, familyPhone, workers, device };
}

/** The device's faults of a type, newest first. */
export async function faultsOf(api: Api, deviceId: string, type: FaultType, state: "open" | "all" = "all"): Promise<FaultView[]> {
  const r = await api<FaultView[]>("GET", `/api/faults?state=${state}&deviceId=${deviceId}`);
  if (r.status !== 200) throw new Error(`faults: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.filter((f) => f.type === type);
}
