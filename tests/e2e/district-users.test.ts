/**
 * Districts and accounts as records: validated, paged, audited (never a password or its hash), and a
 * district user's scope is its districts' communities.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DistrictView } from "@helpkey/shared";
import { createHousehold } from "../helpers/community";
import { asUser, login } from "../helpers/district";
import { startTestSystem, type TestSystem } from "../helpers/system";

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => {
  await sys?.close();
});

interface AuditRow { entity: string; entityId: string; action: string; communityId: number | null; actor: string; before: unknown; after: unknown }
const auditOf = async (entity: string, id: number) => (await sys.api<AuditRow[]>("GET", `/api/audit?entity=${entity}&entityId=${id}`)).body;

it("creates, reads, changes and deletes districts, each change audited without a community", async () => {
  const bad = await sys.api("POST", "/api/districts", { name: "", phone: "12345" });
  expect(bad.status).toBe(400);
  expect(bad.body.error).toMatchObject({ code: "HK_BAD_REQUEST", field: "name" });
  expect((await sys.api("POST", "/api/districts", { name: "East", phone: "not a phone" })).body.error.field).toBe("phone");

  const d = (await sys.api<DistrictView>("POST", "/api/districts", { name: "East District" })).body;
  expect(d).toMatchObject({ name: "East District", phone: null, communityIds: [] });
  const home = await createHousehold(sys.api, { contacts: [{ name: "C", phone: "+8613800065001", priority: 1 }] });
  expect((await sys.api("PATCH", `/api/communities/${home.communityId}`, { districtId: d.id })).status).toBe(200);
  expect((await sys.api<DistrictView>("GET", `/api/districts/${d.id}`)).body.communityIds).toEqual([home.communityId]);
  expect((await sys.api<DistrictView>("PATCH", `/api/districts/${d.id}`, { phone: "+8613800065999" })).body).toMatchObject({ name: "East District", phone: "+8613800065999" });

  // a district with communities stays: they would drop out of the district tier unnoticed
  const refused = await sys.api("DELETE", `/api/districts/${d.id}`);
  expect(refused.status).toBe(409);
  expect(refused.body.error.code).toBe("HK_CONFLICT");
  expect((await sys.api("PATCH", `/api/communities/${home.communityId}`, { districtId: null })).status).toBe(200);
  expect((await sys.api("DELETE", `/api/districts/${d.id}`)).status).toBe(204);
  expect((await sys.api("GET", `/api/districts/${d.id}`)).status).toBe(404);

  const trail = await auditOf("district", d.id);
  expect(trail.map((r) => r.action).sort()).toEqual(["create", "delete", "update"]);
  expect(trail.every((r) => r.communityId === null && r.actor === "admin")).toBe(true);
  expect(trail.find((r) => r.action === "update")).toMatchObject({ before: { phone: null }, after: { phone: "+8613800065999" } });
});

it("asks each role for its scope, naming the missing field, and audits every account change without the password", async () => {
  const d = (await sys.api<DistrictView>("POST", "/api/districts", { name: "West District" })).body;
  const home = await createHousehold(sys.api, { contacts: [{ name: "C", phone: "+8613800066001", priority: 1 }] });
  expect((await sys.api("PATCH", `/api/communities/${home.communityId}`, { districtId: d.id })).status).toBe(200);
  const base = { name: "Officer", password: "a long password 1", language: "en" };

  const noDistrict = await sys.api("POST", "/api/users", { ...base, username: "officer_none", role: "district", communityIds: [home.communityId] });
  expect(noDistrict.status).toBe(400);
  expect(noDistrict.body.error.field).toBe("districtIds");
  expect((await sys.api("POST", "/api/users", { ...base, username: "officer_404", role: "district", districtIds: [999] })).body.error.field).toBe("districtIds");
  expect((await sys.api("POST", "/api/users", { ...base, username: "dispatcher_none", role: "dispatcher", districtIds: [d.id] })).body.error.field).toBe("communityIds");

  const created = await sys.api<{ id: number; communityIds: number[]; districtIds: number[] }>("POST", "/api/users", { ...base, username: "officer_west", role: "district", districtIds: [d.id] });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ role: "district", districtIds: [d.id], communityIds: [home.communityId] });
  const me = await asUser(sys, await login(sys, { username: "officer_west", password: base.password }))("GET", "/api/session");
  expect(me.body).toMatchObject({ role: "district", communityIds: [home.communityId] });

  // to dispatcher: now it needs communities, and its districts go
  const toDispatcher = await sys.api("PATCH", `/api/users/${created.body.id}`, { role: "dispatcher" });
  expect(toDispatcher.status).toBe(400);
  expect(toDispatcher.body.error.field).toBe("communityIds");
  const changed = await sys.api("PATCH", `/api/users/${created.body.id}`, { role: "dispatcher", communityIds: [home.communityId], password: "another long password" });
  expect(changed.body).toMatchObject({ role: "dispatcher", districtIds: [], communityIds: [home.communityId] });
  expect((await sys.api("DELETE", `/api/users/${created.body.id}`)).status).toBe(204);

  const trail = await auditOf("user", created.body.id);
  expect(trail.map((r) => r.action)).toEqual(["delete", "update", "create"]);
  expect(trail[1]).toMatchObject({ before: { role: "district", districtIds: [d.id] }, after: { role: "dispatcher", passwordChanged: true } });
  const text = JSON.stringify(trail);
  expect(text).not.toMatch(/passwordHash|another long password|a long password 1|scrypt/);
});

it("pages the accounts: limit, x-next-cursor, and a cursor it never gave out is 400", async () => {
  for (const i of [1, 2, 3]) {
    expect((await sys.api("POST", "/api/users", { username: `pager_${i}`, name: `Pager ${i}`, password: "a long password 1", role: "admin" })).status).toBe(201);
  }
  const seen: number[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const res: Response = await fetch(`${sys.httpUrl}/api/users?limit=2&role=admin${cursor ? `&cursor=${cursor}` : ""}`, { headers: { authorization: "Bearer test-admin-token-0123456789" } });
    const rows = (await res.json()) as { id: number; role: string }[];
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(rows.every((r) => r.role === "admin")).toBe(true);
    seen.push(...rows.map((r) => r.id));
    cursor = res.headers.get("x-next-cursor");
    if (!cursor) break;
  }
  expect(seen).toHaveLength(3);
  expect(new Set(seen).size).toBe(3);
  const bad = await sys.api("GET", "/api/users?cursor=nonsense!");
  expect(bad.status).toBe(400);
  expect(bad.body.error.field).toBe("cursor");
});
