/** Builds a community through the real HTTP API, as an administrator would. */
import type { Api } from "./system";

export interface ContactSpec {
  name: string;
  phone: string;
  priority: number;
  relation?: string;
  /** The contact's role (family by default): a drill that leaves the family out still calls a neighbour. */
  role?: "family" | "neighbour" | "grid_worker" | "patrol" | "supervisor";
  language?: "zh-CN" | "en";
}

export interface Household {
  communityId: number;
  buildingId: number;
  unitId: number;
  householdId: number;
  contactIds: number[];
  device: { id: string; secret: string; mqtt: { url: string } };
}

let counter = 0;

export async function createHousehold(api: Api, o: { contacts: ContactSpec[]; communityId?: number; policy?: Record<string, unknown>; supervisorPhone?: string; room?: string; resident?: string }): Promise<Household> {
  const ok = <T>(r: { status: number; body: T }, what: string): T => {
    if (r.status !== 201) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const n = ++counter;
  const communityId = o.communityId ?? ok(await api<{ id: number }>("POST", "/api/communities", { name: `Community ${n}`, language: "en", ...(o.policy ? { policy: o.policy } : {}), ...(o.supervisorPhone ? { supervisorPhone: o.supervisorPhone } : {}) }), "community").id;
  const buildingId = ok(await api<{ id: number }>("POST", "/api/buildings", { communityId, name: `Building ${n}` }), "building").id;
  const unitId = ok(await api<{ id: number }>("POST", "/api/units", { buildingId, name: `Unit ${n}` }), "unit").id;
  const householdId = ok(await api<{ id: number }>("POST", "/api/households", { unitId, room: o.room ?? `${100 + n}` }), "household").id;
  ok(await api("POST", "/api/residents", { householdId, name: o.resident ?? `Resident ${n}`, language: "en" }), "resident");
  const contactIds: number[] = [];
  for (const c of o.contacts) {
    contactIds.push(ok(await api<{ id: number }>("POST", "/api/contacts", { householdId, relation: "family", language: "en", ...c }), "contact").id);
  }
  const device = ok(await api<Household["device"]>("POST", "/api/devices", { householdId, type: "button" }), "device");
  return { communityId, buildingId, unitId, householdId, contactIds, device };
}
