/**
 * The storm-reach bench's building, made through the gateway's HTTP API as an administrator would:
 * one community, one building, N households with a resident, three contacts (priorities 1, 2, 3;
 * the third is the grid worker) and a help button each. Also the storm's mix of kinds.
 */
import type { AlarmKind } from "@helpkey/shared";

export interface ReachHousehold {
  index: number;
  deviceId: string;
  secret: string;
}

/** Contact `c` (1–3) of household `i`: an E.164 number the bench can read back. */
export function contactPhone(i: number, c: number): string {
  return `+861380${String(i).padStart(5, "0")}${c}`;
}

export function ofContactPhone(phone: string): { index: number; contact: number } | null {
  const m = /^\+861380(\d{5})(\d)$/.exec(phone);
  return m ? { index: Number(m[1]), contact: Number(m[2]) } : null;
}

type Api = <T>(method: string, url: string, body?: unknown) => Promise<T>;

export async function setupBuilding(api: Api, count: number, progress: (done: number) => void): Promise<ReachHousehold[]> {
  const { id: communityId } = await api<{ id: number }>("POST", "/api/communities", { name: "Storm Tower", language: "en" });
  const { id: buildingId } = await api<{ id: number }>("POST", "/api/buildings", { communityId, name: "Tower 1" });
  const out: ReachHousehold[] = [];
  let unitId = 0;
  for (let i = 0; i < count; i++) {
    if (i % 10 === 0) unitId = (await api<{ id: number }>("POST", "/api/units", { buildingId, name: `Floor ${i / 10 + 1}` })).id;
    const { id: householdId } = await api<{ id: number }>("POST", "/api/households", { unitId, room: String(101 + (i % 10)) });
    await api("POST", "/api/residents", { householdId, name: `Resident ${i}`, language: "en" });
    for (const [c, relation] of [[1, "daughter"], [2, "son"], [3, "grid worker"]] as const) {
      await api("POST", "/api/contacts", { householdId, name: `Contact ${i}-${c}`, phone: contactPhone(i, c), relation, priority: c, language: "en" });
    }
    const d = await api<{ id: string; secret: string }>("POST", "/api/devices", { householdId, type: "button" });
    out.push({ index: i, deviceId: d.id, secret: d.secret });
    if ((i + 1) % 50 === 0) progress(i + 1);
  }
  return out;
}

/** A fixed, shuffled mix: 20 % fires, 25 % medical, 7.5 % service requests, the rest emergencies. */
export function stormKinds(n: number): AlarmKind[] {
  const fires = Math.round(n * 0.2);
  const medical = Math.round(n * 0.25);
  const service = Math.max(1, Math.round(n * 0.075));
  const kinds: AlarmKind[] = [
    ...Array<AlarmKind>(fires).fill("fire"), ...Array<AlarmKind>(medical).fill("medical"), ...Array<AlarmKind>(service).fill("service"),
    ...Array<AlarmKind>(n - fires - medical - service).fill("emergency"),
  ];
  // the same storm every run (mulberry32, seed 22): runs compare
  let s = 22;
  const rnd = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  return kinds;
}
