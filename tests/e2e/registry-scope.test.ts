/**
 * Who reads and writes the registry, and what it remembers: every console user reads the records of
 * the communities they see (another community's record is 404, its lists empty), only admins write
 * (the patrol roster: shift leads too); every change is in the audit trail with the record before and
 * after, readable by supervisors for their communities. A household with an open alert is not deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, type Login } from "../helpers/browser";
import { createHousehold, type Household } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { loginRaw } from "../helpers/raw-http";
import { startTestSystem, type TestSystem } from "../helpers/system";

let sys: TestSystem;
let x: Household;
let y: Household;
let dispatcherX: Api;
let supervisorX: Api;
const supervisorName = "Supervisor Xu";

type Api = <T = any>(method: string, url: string, body?: unknown) => Promise<{ status: number; body: T }>;
type ErrorBody = { error: { code: string; message: string; field?: string } };
interface AuditRow { id: number; actor: string; userId: number | null; communityId: number | null; entity: string; entityId: string; action: string; before: any; after: any }

/** Calls the API with a console user's session cookie. */
async function loggedIn(l: Login): Promise<Api> {
  const r = await loginRaw(sys.httpUrl, l.username, l.password);
  expect(r.status).toBe(200);
  return async (method, url, body) => {
    const res = await fetch(`${sys.httpUrl}${url}`, { method, headers: { cookie: r.cookie!, ...(body !== undefined ? { "content-type": "application/json" } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

beforeAll(async () => {
  sys = await startTestSystem();
  x = await createHousehold(sys.api, { contacts: [{ name: "X Contact", phone: "+8613800061001", priority: 1 }], resident: "X Resident" });
  y = await createHousehold(sys.api, { contacts: [{ name: "Y Contact", phone: "+8613800062001", priority: 1 }], resident: "Y Resident" });
  dispatcherX = await loggedIn(await createUser(sys.api, { name: "Dispatcher Xia", communityIds: [x.communityId] }));
  supervisorX = await loggedIn(await createUser(sys.api, { name: supervisorName, communityIds: [x.communityId], role: "supervisor" }));
}, 30_000);
afterAll(async () => {
  await sys?.close();
});

describe("scope", () => {
  it("lets a dispatcher read the records of their community, and of no other: 404, empty lists", async () => {
    const ids = async (url: string) => (await dispatcherX<{ id: number }[]>("GET", url)).body.map((r) => r.id);
    expect(await ids("/api/communities")).toEqual([x.communityId]);
    expect(await ids("/api/buildings")).toEqual([x.buildingId]);
    expect(await ids("/api/units")).toEqual([x.unitId]);
    expect(await ids("/api/households")).toEqual([x.householdId]);
    expect(await ids("/api/contacts")).toEqual(x.contactIds);
    expect((await dispatcherX<{ name: string }[]>("GET", "/api/residents")).body.map((r) => r.name)).toEqual(["X Resident"]);
    // asking for Y by filter gives nothing, not an error that says Y exists
    expect(await ids(`/api/households?communityId=${y.communityId}`)).toEqual([]);
    expect(await ids(`/api/households?buildingId=${y.buildingId}`)).toEqual([]);
    expect(await ids(`/api/contacts?householdId=${y.householdId}`)).toEqual([]);
    expect(await ids(`/api/buildings?communityId=${y.communityId}`)).toEqual([]);

    expect((await dispatcherX("GET", `/api/households/${x.householdId}`)).status).toBe(200);
    for (const [kind, id] of [["communities", y.communityId], ["buildings", y.buildingId], ["units", y.unitId], ["households", y.householdId], ["contacts", y.contactIds[0]!]] as const) {
      const r = await dispatcherX<ErrorBody>("GET", `/api/${kind}/${id}`);
      expect(r.status, kind).toBe(404);
      expect(r.body.error.code).toBe("HK_NOT_FOUND");
      // a record that does not exist answers the same
      expect((await dispatcherX("GET", `/api/${kind}/999999`)).status).toBe(404);
    }
    // the admin sees Y
    expect((await sys.api("GET", `/api/households/${y.householdId}`)).status).toBe(200);
  });

  it("keeps writing the registry to admins, and the roster to shift leads of the community", async () => {
    expect((await dispatcherX("POST", "/api/buildings", { communityId: x.communityId, name: "B" })).status).toBe(403);
    expect((await dispatcherX("PATCH", `/api/households/${x.householdId}`, { notes: "n" })).status).toBe(403);
    expect((await dispatcherX("DELETE", `/api/contacts/${x.contactIds[0]}`)).status).toBe(403);
    expect((await supervisorX("POST", "/api/buildings", { communityId: x.communityId, name: "B" })).status).toBe(403);
    expect((await dispatcherX("POST", "/api/patrol", { communityId: x.communityId, name: "P", phone: "138 0013 8000" })).status).toBe(403);
    const member = await supervisorX<{ id: number }>("POST", "/api/patrol", { communityId: x.communityId, name: "Patrol Xu", phone: "138 0013 8000" });
    expect(member.status).toBe(201);
    const yMember = await sys.api<{ id: number }>("POST", "/api/patrol", { communityId: y.communityId, name: "Patrol Yu", phone: "138 0013 8001" });
    expect((await supervisorX("PATCH", `/api/patrol/${yMember.body.id}`, { name: "Mine now" })).status).toBe(404);
    expect((await supervisorX("DELETE", `/api/patrol/${yMember.body.id}`)).status).toBe(404);
    expect((await supervisorX<{ name: string }>("PATCH", `/api/patrol/${member.body.id}`, { name: "Patrol Xu Senior" })).body.name).toBe("Patrol Xu Senior");
    expect((await dispatcherX<{ id: number }[]>("GET", "/api/patrol")).body.map((m) => m.id)).toEqual([member.body.id]);
    expect((await supervisorX("DELETE", `/api/patrol/${member.body.id}`)).status).toBe(204);
    // retired: off the roster, and not changed again
    expect((await supervisorX("PATCH", `/api/patrol/${member.body.id}`, { name: "Ghost" })).status).toBe(404);
    expect((await dispatcherX<unknown[]>("GET", "/api/patrol")).body).toEqual([]);
  });
});

describe("audit", () => {
  it("records a create, a patch with before and after, and a delete, newest first, with the actor", async () => {
    const created = await sys.api<{ id: number }>("POST", "/api/contacts", { householdId: x.householdId, name: "Neighbour Ma", phone: "138 0013 8200", relation: "neighbour", priority: 3, role: "neighbour" });
    expect(created.status).toBe(201);
    expect((await sys.api("PATCH", `/api/contacts/${created.body.id}`, { phone: "139 0013 8201", priority: 2 })).status).toBe(200);
    expect((await sys.api("DELETE", `/api/contacts/${created.body.id}`)).status).toBe(204);

    const rows = (await sys.api<AuditRow[]>("GET", `/api/audit?entity=contact&entityId=${created.body.id}`)).body;
    expect(rows.map((r) => r.action)).toEqual(["delete", "update", "create"]);
    const [del, upd, add] = rows;
    expect(add).toMatchObject({ actor: "admin", userId: null, communityId: x.communityId, before: null, after: { id: created.body.id, name: "Neighbour Ma", phone: "+8613800138200", priority: 3, role: "neighbour" } });
    expect(upd!.before).toMatchObject({ phone: "+8613800138200", priority: 3 });
    expect(upd!.after).toMatchObject({ phone: "+8613900138201", priority: 2, name: "Neighbour Ma" });
    expect(del).toMatchObject({ before: { phone: "+8613900138201" }, after: null, communityId: x.communityId });

    // the roster's changes name the shift lead who made them
    const roster = (await sys.api<AuditRow[]>("GET", "/api/audit?entity=patrol_member")).body.filter((r) => r.actor === supervisorName);
    expect(roster.map((r) => r.action)).toEqual(["delete", "update", "create"]);
    expect(roster[0]!.userId).toEqual(expect.any(Number));
    expect(roster[1]).toMatchObject({ before: { name: "Patrol Xu" }, after: { name: "Patrol Xu Senior" } });
  });

  it("shows a supervisor the rows of their communities only, and not at all to a dispatcher", async () => {
    const all = (await sys.api<AuditRow[]>("GET", "/api/audit?limit=500")).body;
    expect(all.some((r) => r.communityId === y.communityId)).toBe(true);
    const mine = (await supervisorX<AuditRow[]>("GET", "/api/audit?limit=500")).body;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((r) => r.communityId === x.communityId)).toBe(true);
    expect(mine.map((r) => r.id)).toEqual(all.filter((r) => r.communityId === x.communityId).map((r) => r.id));
    expect((await supervisorX<AuditRow[]>("GET", `/api/audit?communityId=${y.communityId}`)).body).toEqual([]);
    expect((await dispatcherX("GET", "/api/audit")).status).toBe(403);
    expect((await sys.api<ErrorBody>("GET", "/api/audit?entity=Bad-Kind")).body.error.field).toBe("entity");
  });
});

describe("deleting", () => {
  it("refuses to delete a household with an open alert until it is resolved, then names what still depends on it", async () => {
    const dev = await connectSim(sys.mqttUrl, y.device.id, y.device.secret);
    const alertId = (await dev.waitForAck(dev.press().seq, "received", 5000)).alertId;
    await dev.close();
    const open = await sys.api<ErrorBody>("DELETE", `/api/households/${y.householdId}`);
    expect(open.status).toBe(409);
    expect(open.body.error.code).toBe("HK_OPEN_ALERT");
    expect(open.body.error.message).toContain(`alert ${alertId}`);
    expect(open.body.error.message).toContain("resolve");
    expect((await sys.api("POST", `/api/alerts/${alertId}/acknowledge`, {})).status).toBe(200);
    expect((await sys.api<ErrorBody>("DELETE", `/api/households/${y.householdId}`)).body.error.code).toBe("HK_OPEN_ALERT");
    expect((await sys.api("POST", `/api/alerts/${alertId}/resolve`, { outcome: "test" })).status).toBe(200);
    const after = await sys.api<ErrorBody>("DELETE", `/api/households/${y.householdId}`);
    expect(after.status).toBe(409);
    expect(after.body.error.code).toBe("HK_CONFLICT");
    expect(after.body.error.message).toBe(`household ${y.householdId} still has dependent records: residents (1), contacts (1), devices (1), alerts (1, its alarm history); delete or move them first`);
    expect((await sys.api("GET", `/api/households/${y.householdId}`)).status).toBe(200);
  });

  it("deletes a record nothing depends on, and names what blocks the others", async () => {
    const building = await sys.api<ErrorBody>("DELETE", `/api/buildings/${x.buildingId}`);
    expect(building.status).toBe(409);
    expect(building.body.error).toMatchObject({ code: "HK_CONFLICT", message: expect.stringContaining("units (1)") });
    const empty = await sys.api<{ id: number }>("POST", "/api/households", { unitId: x.unitId, room: "Empty-1" });
    expect((await sys.api("DELETE", `/api/households/${empty.body.id}`)).status).toBe(204);
    expect((await sys.api("GET", `/api/households/${empty.body.id}`)).status).toBe(404);
    const rows = (await sys.api<AuditRow[]>("GET", `/api/audit?entity=household&entityId=${empty.body.id}`)).body;
    expect(rows.map((r) => [r.action, r.communityId])).toEqual([["delete", x.communityId], ["create", x.communityId]]);
    expect(rows[0]!.before).toMatchObject({ room: "Empty-1" });
  });
});
