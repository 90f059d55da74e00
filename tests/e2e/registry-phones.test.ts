/**
 * The registry's fields over the real HTTP API: phone numbers typed as people write them are stored
 * as E.164, read in the country of the community they belong to (found through the parent chain);
 * a number that is not one is refused naming the field. Also the community's country and district,
 * residents' age and the household's "lives alone" on the resident, contacts' roles.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { districts } from "@helpkey/gateway/db/schema";
import { startTestSystem, type TestSystem } from "../helpers/system";

let sys: TestSystem;
type ErrorBody = { error: { code: string; field?: string; message: string } };

beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => {
  await sys?.close();
});

/** A community (with the given fields) and one household in it. */
async function place(community: Record<string, unknown>) {
  const c = await sys.api<{ id: number; countryCode: string }>("POST", "/api/communities", { name: "Phones", ...community });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  const b = await sys.api<{ id: number }>("POST", "/api/buildings", { communityId: c.body.id, name: "B1" });
  const u = await sys.api<{ id: number }>("POST", "/api/units", { buildingId: b.body.id, name: "U1" });
  const h = await sys.api<{ id: number }>("POST", "/api/households", { unitId: u.body.id, room: "101" });
  expect(h.status).toBe(201);
  return { communityId: c.body.id, countryCode: c.body.countryCode, householdId: h.body.id };
}

describe("phone numbers as typed", () => {
  it("stores a Chinese mobile typed with spaces as E.164 and refuses 12345 naming the field, on every route", async () => {
    const cn = await place({ phone: "138 0013 8000", supervisorPhone: "+86 139-0013-9000" });
    expect(cn.countryCode).toBe("CN");
    const community = (await sys.api<{ phone: string; supervisorPhone: string }>("GET", `/api/communities/${cn.communityId}`)).body;
    expect(community).toMatchObject({ phone: "+8613800138000", supervisorPhone: "+8613900139000" });

    const contact = await sys.api<{ id: number; phone: string; role: string }>("POST", "/api/contacts", { householdId: cn.householdId, name: "Son", phone: "138 0013 8000", relation: "son", priority: 1 });
    expect(contact.status).toBe(201);
    expect(contact.body).toMatchObject({ phone: "+8613800138000", role: "family" });
    const resident = await sys.api<{ phone: string }>("POST", "/api/residents", { householdId: cn.householdId, name: "Grandma", phone: "138 0013 8001" });
    expect(resident.body.phone).toBe("+8613800138001");
    const patrol = await sys.api<{ id: number; phone: string }>("POST", "/api/patrol", { communityId: cn.communityId, name: "Patrol Li", phone: "138-0013-8002" });
    expect(patrol.body.phone).toBe("+8613800138002");
    const grid = await sys.api<{ id: number }>("POST", "/api/grids", { communityId: cn.communityId, name: "Grid 1" });
    const worker = await sys.api<{ phone: string }>("POST", `/api/grids/${grid.body.id}/workers`, { name: "Worker Wang", phone: "138 0013 8003" });
    expect(worker.body.phone).toBe("+8613800138003");

    const refusals: [string, string, Record<string, unknown>, string][] = [
      ["POST", "/api/contacts", { householdId: cn.householdId, name: "X", phone: "12345", relation: "son", priority: 1 }, "phone"],
      ["PATCH", `/api/contacts/${contact.body.id}`, { phone: "12345" }, "phone"],
      ["POST", "/api/residents", { householdId: cn.householdId, name: "X", phone: "12345" }, "phone"],
      ["POST", "/api/communities", { name: "X", supervisorPhone: "12345" }, "supervisorPhone"],
      ["PATCH", `/api/communities/${cn.communityId}`, { phone: "12345" }, "phone"],
      ["POST", "/api/patrol", { communityId: cn.communityId, name: "X", phone: "12345" }, "phone"],
      ["PATCH", `/api/patrol/${patrol.body.id}`, { phone: "12345" }, "phone"],
      ["POST", `/api/grids/${grid.body.id}/workers`, { name: "X", phone: "12345" }, "phone"],
      ["POST", "/api/contacts", { householdId: cn.householdId, name: "X", phone: "1".repeat(41), relation: "son", priority: 1 }, "phone"],
    ];
    for (const [method, url, body, field] of refusals) {
      const r = await sys.api<ErrorBody>(method, url, body);
      expect(r.status, `${method} ${url}`).toBe(400);
      expect(r.body.error).toMatchObject({ code: "HK_BAD_REQUEST", field });
    }
    const r = await sys.api<ErrorBody>("POST", "/api/contacts", { householdId: cn.householdId, name: "X", phone: "12345", relation: "son", priority: 1 });
    // what is wrong, and what a right one looks like
    expect(r.body.error.message).toMatch(/^phone: not a valid number in CN \(e\.g\. 1\d\d \d{4} \d{4}\)$/);
    // nothing refused was stored
    expect((await sys.api<unknown[]>("GET", `/api/contacts?householdId=${cn.householdId}`)).body).toHaveLength(1);
    expect((await sys.api<{ phone: string }>("GET", `/api/contacts/${contact.body.id}`)).body.phone).toBe("+8613800138000");
  });

  it("reads a number in the country of the community it belongs to, through the parent chain", async () => {
    const us = await place({ countryCode: "us", phone: "(555) 010-0199" });
    expect(us.countryCode).toBe("US");
    expect((await sys.api<{ phone: string }>("GET", `/api/communities/${us.communityId}`)).body.phone).toBe("+15550100199");
    const contact = await sys.api<{ phone: string }>("POST", "/api/contacts", { householdId: us.householdId, name: "Daughter", phone: "(555) 010-0123", relation: "daughter", priority: 1, language: "en" });
    expect(contact.body.phone).toBe("+15550100123");
    // a number with its country prefix is that country's, wherever the community is
    const abroad = await sys.api<{ phone: string }>("POST", "/api/contacts", { householdId: us.householdId, name: "Son", phone: "+86 138 0013 8000", relation: "son", priority: 2 });
    expect(abroad.body.phone).toBe("+8613800138000");
    // a PATCH that moves the community to another country reads its phone in the new one
    const moved = await sys.api<{ countryCode: string; phone: string }>("PATCH", `/api/communities/${us.communityId}`, { countryCode: "CN", phone: "138 0013 8009" });
    expect(moved.body).toMatchObject({ countryCode: "CN", phone: "+8613800138009" });
  });
});

describe("the registry's fields", () => {
  it("checks the community's country and district", async () => {
    for (const countryCode of ["XX", "CHN", "1", ""]) {
      const r = await sys.api<ErrorBody>("POST", "/api/communities", { name: "C", countryCode });
      expect(r.status, countryCode).toBe(400);
      expect(r.body.error.field).toBe("countryCode");
    }
    const missing = await sys.api<ErrorBody>("POST", "/api/communities", { name: "C", districtId: 999_999 });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: "HK_BAD_REQUEST", field: "districtId" });
    expect(missing.body.error.message).toContain("no such district 999999");

    const district = sys.ctx.db.insert(districts).values({ name: "District 1", createdAt: Date.now() }).returning().get();
    const c = await sys.api<{ id: number; districtId: number | null }>("POST", "/api/communities", { name: "In a district", districtId: district.id });
    expect(c.body.districtId).toBe(district.id);
    expect((await sys.api<{ id: number }[]>("GET", `/api/communities?districtId=${district.id}`)).body.map((x) => x.id)).toEqual([c.body.id]);
    expect((await sys.api<ErrorBody>("PATCH", `/api/communities/${c.body.id}`, { districtId: 999_999 })).body.error.field).toBe("districtId");
    expect((await sys.api<{ districtId: number | null }>("PATCH", `/api/communities/${c.body.id}`, { districtId: null })).body.districtId).toBeNull();
  });

  it("keeps residents' age in 0..130 and shows the household's livesAlone on the resident, read-only", async () => {
    const { householdId } = await place({});
    for (const age of [-1, 131, 1.5, "80"]) {
      const r = await sys.api<ErrorBody>("POST", "/api/residents", { householdId, name: "R", age });
      expect(r.status, String(age)).toBe(400);
      expect(r.body.error.field).toBe("age");
    }
    const r = await sys.api<{ id: number; age: number; livesAlone: boolean }>("POST", "/api/residents", { householdId, name: "Grandpa", age: 87 });
    expect(r.body).toMatchObject({ age: 87, livesAlone: false });
    expect((await sys.api("PATCH", `/api/households/${householdId}`, { livesAlone: true })).status).toBe(200);
    expect((await sys.api<{ livesAlone: boolean }>("GET", `/api/residents/${r.body.id}`)).body.livesAlone).toBe(true);
    expect((await sys.api<{ livesAlone: boolean }[]>("GET", `/api/residents?householdId=${householdId}`)).body.map((x) => x.livesAlone)).toEqual([true]);
    // the resident's view does not write the household's flag
    expect((await sys.api<{ livesAlone: boolean; age: number }>("PATCH", `/api/residents/${r.body.id}`, { livesAlone: false, age: 88 })).body).toMatchObject({ livesAlone: true, age: 88 });
    expect((await sys.api<{ livesAlone: boolean }>("GET", `/api/households/${householdId}`)).body.livesAlone).toBe(true);
  });

  it("gives contacts a role (family by default) and lists them by role", async () => {
    const { householdId } = await place({});
    const add = (name: string, role?: string) => sys.api<{ id: number; role: string }>("POST", "/api/contacts", { householdId, name, phone: "138 0013 8100", relation: "friend", priority: 2, ...(role ? { role } : {}) });
    const family = await add("Daughter");
    const neighbour = await add("Mr Chen", "neighbour");
    expect([family.body.role, neighbour.body.role]).toEqual(["family", "neighbour"]);
    expect((await sys.api<ErrorBody>("POST", "/api/contacts", { householdId, name: "X", phone: "138 0013 8100", relation: "x", priority: 1, role: "boss" })).body.error.field).toBe("role");
    expect((await sys.api<{ id: number }[]>("GET", `/api/contacts?householdId=${householdId}&role=neighbour`)).body.map((c) => c.id)).toEqual([neighbour.body.id]);
    expect((await sys.api<{ role: string }>("PATCH", `/api/contacts/${family.body.id}`, { role: "grid_worker" })).body.role).toBe("grid_worker");
  });
});
