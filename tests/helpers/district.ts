/** The district tier for the district-* tests: a district, its communities and its users, through the real API. */
import { expect } from "vitest";
import { createHousehold, type Household } from "./community";
import { connectSim } from "./device";
import type { TestSystem } from "./system";

let n = 0;

export async function createDistrict(sys: TestSystem, name = `District ${++n}`): Promise<number> {
  const r = await sys.api<{ id: number }>("POST", "/api/districts", { name, phone: "+8613800099000" });
  expect(r.status).toBe(201);
  return r.body.id;
}

/** A household in a new community of `districtId` whose alarms go up after `delayS`. */
export async function districtHousehold(sys: TestSystem, districtId: number | null, delayS: number, phone: string): Promise<Household> {
  const home = await createHousehold(sys.api, { contacts: [{ name: "Family", phone, priority: 1 }], policy: { districtEscalationS: delayS } });
  if (districtId !== null) {
    const r = await sys.api("PATCH", `/api/communities/${home.communityId}`, { districtId });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  // nobody answers: only the console (or the district) can claim these alarms
  sys.phone!.setPerson(phone, { never: true });
  return home;
}

/** Another household of the same community. */
export async function neighbour(sys: TestSystem, of: Household, phone: string, room: string): Promise<Household> {
  const home = await createHousehold(sys.api, { communityId: of.communityId, contacts: [{ name: "Family", phone, priority: 1 }], room });
  sys.phone!.setPerson(phone, { never: true });
  return home;
}

export async function press(sys: TestSystem, h: Household, kind?: "service"): Promise<number> {
  const d = await connectSim(sys.mqttUrl, h.device.id, h.device.secret);
  try {
    return (await d.waitForAck(d.press(kind ? { kind } : {}).seq, "received", 5000)).alertId;
  } finally {
    await d.close();
  }
}

export interface UserLogin {
  id: number;
  username: string;
  password: string;
}

export async function createDistrictUser(sys: TestSystem, districtIds: number[]): Promise<UserLogin> {
  const username = `district_${++n}`;
  const password = "district password 1";
  const r = await sys.api<{ id: number }>("POST", "/api/users", { username, name: `District officer ${n}`, password, role: "district", districtIds, language: "en" });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { id: r.body.id, username, password };
}

/** Logs in and returns the session cookie (`hk_session=…`). */
export async function login(sys: TestSystem, u: { username: string; password: string }): Promise<string> {
  const res = await fetch(`${sys.httpUrl}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(u) });
  expect(res.status).toBe(200);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

/** Calls the API with a session cookie; the raw text comes back too, to look for another community's data in it. */
export function asUser(sys: TestSystem, cookie: string) {
  return async <T = any>(method: string, url: string, body?: unknown) => {
    const res = await fetch(`${sys.httpUrl}${url}`, { method, headers: { cookie, ...(body !== undefined ? { "content-type": "application/json" } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, text };
  };
}
