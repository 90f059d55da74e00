/**
 * Deny by default, decided on the route the router matched: walks every route the gateway serves
 * (the route table as Fastify holds it) and, for the path and every encoded or normalised spelling of
 * it, proves that without credentials the answer is 401 and that a dispatcher of community X gets
 * 403/404, or nothing of community Y, for Y's records; Y's records are unchanged afterwards.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DeclaredRoute } from "@helpkey/gateway/http/build-app";
import { createUser } from "../helpers/browser";
import { createHousehold, type Household } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { loginRaw, rawRequest } from "../helpers/raw-http";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem;
let x: Household;
let y: Household;
/** What stands for each path parameter, by the collection it names: Y's records. */
let params: Record<string, string>;
let xCookie: string;
/** A supervisor of X: reads what a dispatcher cannot (the audit trail), still only of X. */
let xSupervisorCookie: string;
/** Strings only community Y's records contain. */
let markers: string[];

beforeAll(async () => {
  sys = await startTestSystem();
  x = await createHousehold(sys.api, { contacts: [{ name: "Xmarker Contact", phone: "+8613800081001", priority: 1 }], resident: "Xmarker Resident" });
  y = await createHousehold(sys.api, { contacts: [{ name: "Ymarker Contact", phone: "+8613800082002", priority: 1 }], resident: "Ymarker Resident", room: "Ymarker-909" });
  const dev = await connectSim(sys.mqttUrl, y.device.id, y.device.secret);
  const alertId = (await dev.waitForAck(dev.press().seq, "received", 5000)).alertId;
  // a technical alert of Y's (a low battery)
  dev.reportBattery(5);
  const fault = await waitFor(async () => (await sys.api<{ id: number }[]>("GET", `/api/faults?deviceId=${y.device.id}`)).body[0], 5000, "Y's fault");
  await dev.close();
  const patrol = await sys.api("POST", "/api/patrol", { communityId: y.communityId, name: "Ymarker Patrol", phone: "+8613800082003", language: "en" });
  expect(patrol.status).toBe(201);
  const yUser = await sys.api("POST", "/api/users", { username: "ymarker_user", name: "Ymarker Dispatcher", password: "correct horse battery", role: "dispatcher", communityIds: [y.communityId] });
  expect(yUser.status).toBe(201);
  const resident = (await sys.api<{ id: number }[]>("GET", `/api/residents?householdId=${y.householdId}`)).body[0]!;
  const notification = (await sys.api<{ notifications: { id: number }[] }>("GET", `/api/alerts/${alertId}`)).body.notifications[0];
  const grid = await sys.api<{ id: number }>("POST", "/api/grids", { communityId: y.communityId, name: "Ymarker Grid", buildingIds: [y.buildingId] });
  expect(grid.status).toBe(201);
  const worker = await sys.api<{ id: number }>("POST", `/api/grids/${grid.body.id}/workers`, { name: "Ymarker Worker", phone: "+8613800082004", language: "en" });
  expect(worker.status).toBe(201);
  const group = await sys.api<{ id: number }>("POST", "/api/help-groups", { communityId: y.communityId, name: "Ymarker Group", scope: "unit", refId: y.unitId });
  expect(group.status).toBe(201);
  const member = await sys.api<{ id: number }>("POST", `/api/help-groups/${group.body.id}/members`, { name: "Ymarker Neighbour", phone: "+8613800082005", role: "neighbour", priority: 1 });
  expect(member.status).toBe(201);
  const district = await sys.api<{ id: number }>("POST", "/api/districts", { name: "Ymarker District" });
  expect(district.status).toBe(201);
  expect((await sys.api("PATCH", `/api/communities/${y.communityId}`, { districtId: district.body.id })).status).toBe(200);
  const drill = await sys.api<{ id: number }>("POST", "/api/drills", { communityId: y.communityId, name: "Ymarker Drill" });
  expect(drill.status).toBe(201);
  params = {
    "help-groups": String(group.body.id), members: String(member.body.id), districts: String(district.body.id),
    communities: String(y.communityId), buildings: String(y.buildingId), units: String(y.unitId), households: String(y.householdId),
    residents: String(resident.id), contacts: String(y.contactIds[0]), devices: y.device.id, alerts: String(alertId),
    patrol: String(patrol.body.id), users: String(yUser.body.id), twilio: String(notification?.id ?? 1),
    grids: String(grid.body.id), "grid-workers": String(worker.body.id), faults: String(fault.id), drills: String(drill.body.id),
  };
  markers = ["Ymarker", "+8613800082002", "+8613800082003", "+8613800082004", "+8613800082005", y.device.id];
  const xLogin = await createUser(sys.api, { name: "Xmarker Dispatcher", communityIds: [x.communityId] });
  const r = await loginRaw(sys.httpUrl, xLogin.username, xLogin.password);
  expect(r.status).toBe(200);
  xCookie = r.cookie!;
  const xLead = await createUser(sys.api, { name: "Xmarker Supervisor", communityIds: [x.communityId], role: "supervisor" });
  xSupervisorCookie = (await loginRaw(sys.httpUrl, xLead.username, xLead.password)).cookie!;
}, 60_000);
afterAll(async () => {
  await sys?.close();
});

/** The route's path with Y's record in every parameter. */
function concrete(route: DeclaredRoute): string {
  const segs = route.url.split("/");
  return segs
    .map((seg, i) => {
      if (seg === "*") return "anything";
      if (!seg.startsWith(":")) return seg;
      if (seg === ":token") return "not-a-valid-token-0123456789";
      if (seg === ":step") return "arrived";
      // the collection is the nearest named segment before the parameter (twilio routes: the first)
      const collection = segs[1] === "twilio" ? "twilio" : segs[i - 1] === "alerts" && segs[i - 2] === "board" ? "alerts" : segs[i - 1]!;
      const v = params[collection];
      if (!v) throw new Error(`the route walk does not know what to put in ${seg} of ${route.url}: add its collection to params`);
      return encodeURIComponent(v);
    })
    .join("/");
}

const encodeLetter = (c: string) => `%${c.charCodeAt(0).toString(16)}`;

/** The path as written, and spellings a router or a proxy may treat as the same path (or not). */
function spellings(path: string): string[] {
  const segs = path.split("/").slice(1);
  const first = (s: string) => s.replace(/[a-z]/i, encodeLetter);
  return [
    path,
    "/" + segs.map(first).join("/"), // /%61pi/contacts
    "/" + segs.map((s) => s.replace(/[a-z]/gi, encodeLetter)).join("/"), // every letter encoded
    "/" + segs.map((s) => s.replace(/[a-z]/gi, (c) => encodeLetter(c).toUpperCase())).join("/"), // upper-case hex
    path.replace(/^\/([^/]+)\//, "/$1%2f"), // %2f for the second slash
    path.replace(/^\/([^/]+)\//, "/$1%2F"),
    path.replace(/^\/([^/]+)\//, "/$1%252f"), // double-encoded
    path.replace(/\//g, "//"), // doubled slashes
    "/" + path, // leading double slash
    `${path}/`, // trailing slash
    path.replace(/^\/([^/]+)\//, "/$1/./"), // /./
    path.replace(/^\/([^/]+)\//, "/$1/%2e/"),
    path.replace(/^\/([^/]+)\//, "/$1/x/../"), // /x/../
    path.replace(/^\/([^/]+)\//, "/$1\\"), // a backslash for the second slash
    path.toUpperCase(),
    path.replace(/^\/([a-z])/, (_m, c: string) => `/${c.toUpperCase()}`), // /Api/…
    `${path};x=1`,
    `${path}%3f`, // an encoded "?"
    `${path}#frag`,
  ];
}

/** A query that asks every list for Y's records. */
const yQuery = () => `?communityId=${y.communityId}&buildingId=${y.buildingId}&unitId=${y.unitId}&householdId=${y.householdId}&q=Ymarker`;

it("walks every route: no credentials → 401 on every spelling; a dispatcher of X gets 403/404 or nothing of Y; Y is unchanged", async () => {
  const routes = sys.routes;
  expect(routes.length).toBeGreaterThan(40);
  const guarded = routes.filter((r) => r.access !== "public");
  // the walk covers the registry, the devices, the alerts and the accounts: a table that lost them would pass vacuously
  for (const must of ["/api/contacts", "/api/users", "/api/devices/:id/rotate-secret", "/api/alerts/:id/resolve", "/api/console", "/api/audit"]) {
    expect(guarded.map((r) => r.url)).toContain(must);
  }
  const failures: string[] = [];
  let requests = 0;

  for (const route of guarded) {
    const path = concrete(route);
    for (const spelled of spellings(path)) {
      for (const p of [spelled, `${spelled}${yQuery()}`]) {
        // no credentials: 401, whatever the spelling (a spelling that matches no route needs credentials too)
        const anon = await rawRequest(sys.httpUrl, { method: route.method, path: p, ...(route.method === "POST" || route.method === "PATCH" ? { body: "{}" } : {}) });
        requests++;
        if (anon.status !== 401) failures.push(`${route.method} ${p} without credentials → ${anon.status}`);
        // the dispatcher's own session is not another community's record
        if (route.url === "/api/session") continue;
        const asX = await rawRequest(sys.httpUrl, { method: route.method, path: p, headers: { cookie: xCookie }, ...(route.method === "POST" || route.method === "PATCH" ? { body: "{}" } : {}) });
        requests++;
        // a 404 may echo the path it was asked for; anything else of Y's is a leak
        const leaked = markers.filter((m) => asX.text.includes(m) && !decodeURIComponent(p).includes(m));
        if (leaked.length > 0) failures.push(`${route.method} ${p} as X's dispatcher → ${asX.status} with ${leaked.join(", ")}`);
        if (asX.status < 400 && !(route.method === "GET" || route.method === "HEAD")) failures.push(`${route.method} ${p} as X's dispatcher → ${asX.status}`);
      }
    }
  }
  console.log(`route walk: ${guarded.length} guarded routes of ${routes.length}, ${requests} requests`);
  expect(failures).toEqual([]);

  // Y's records are as they were: the walk changed nothing it could not see
  const alert = await sys.api<{ state: string; acknowledgedBy: string | null }>("GET", `/api/alerts/${params.alerts}`);
  expect(alert.body).toMatchObject({ state: "open", acknowledgedBy: null });
  expect((await sys.api("GET", `/api/contacts/${params.contacts}`)).status).toBe(200);
  expect((await sys.api<{ revokedAt: number | null }>("GET", `/api/devices/${params.devices}`)).body.revokedAt).toBeNull();
  expect((await sys.api<{ disabled: boolean }>("GET", `/api/users/${params.users}`)).body.disabled).toBe(false);
  // and the admin token reaches every GET route as written, so the walk above tested real handlers
  for (const route of guarded.filter((r) => r.method === "GET" && !r.websocket)) {
    const r = await rawRequest(sys.httpUrl, { method: "GET", path: concrete(route), headers: { authorization: `Bearer ${"test-admin-token-0123456789"}` } });
    expect(r.status, `${route.url} as admin`).toBe(200);
  }
}, 120_000);

it("a supervisor of X reads nothing of Y on any GET route, the audit trail included", async () => {
  const failures: string[] = [];
  for (const route of sys.routes.filter((r) => r.access !== "public" && r.method === "GET" && !r.websocket)) {
    for (const p of [concrete(route), `${concrete(route)}${yQuery()}`]) {
      const r = await rawRequest(sys.httpUrl, { method: "GET", path: p, headers: { cookie: xSupervisorCookie } });
      const leaked = markers.filter((m) => r.text.includes(m) && !decodeURIComponent(p).includes(m));
      if (leaked.length > 0) failures.push(`GET ${p} as X's supervisor → ${r.status} with ${leaked.join(", ")}`);
    }
  }
  expect(failures).toEqual([]);
  // the audit trail it reads is X's, and not empty (the walk would pass vacuously on a 403)
  const audit = await rawRequest(sys.httpUrl, { method: "GET", path: "/api/audit", headers: { cookie: xSupervisorCookie } });
  expect(audit.status).toBe(200);
  const rows = JSON.parse(audit.text) as { communityId: number }[];
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((row) => row.communityId === x.communityId)).toBe(true);
});

it("declares who may call every route, and serves no route without a declaration", () => {
  for (const r of sys.routes) expect(r.access === "public" || (Array.isArray(r.access) && r.access.length > 0), `${r.method} ${r.url}`).toBe(true);
  // what is open to anyone is exactly this list: a new public route is a decision, made here
  const open = [...new Set(sys.routes.filter((r) => r.access === "public").map((r) => r.url))].filter((u) => !/\.(js|css|html|svg|png|ico|map)$/.test(u) && u !== "/");
  expect(open.sort()).toEqual([
    "/api/responder/:token", "/api/responder/:token/:step", "/api/session",
    // the API's description (no data): integrators read it before they have credentials
    "/docs", "/docs/", "/docs/json", "/docs/static/*", "/docs/yaml",
    "/healthz", "/metrics", "/r/:token",
    "/twilio/amd/:id", "/twilio/call-status/:id", "/twilio/gather/:id", "/twilio/sms-inbound", "/twilio/sms-status/:id", "/twilio/voice/:id",
  ]);
});
