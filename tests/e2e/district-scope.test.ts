/**
 * Scopes of the district tier: a district user of district A sees nothing of district B (console
 * socket and HTTP), follows a community moved into its district, and a dispatcher of community X
 * gets 403/404 (or nothing of Y) for every read of community Y's records.
 */
import { afterEach, expect, it } from "vitest";
import type { AlertView, ConsoleFrame, DistrictDashboard, DistrictView } from "@helpkey/shared";
import { createUser } from "../helpers/browser";
import { openConsole, type ConsoleClient } from "../helpers/console-client";
import { asUser, createDistrict, createDistrictUser, districtHousehold, login, press } from "../helpers/district";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem | undefined;
const consoles: ConsoleClient[] = [];
afterEach(async () => {
  for (const c of consoles.splice(0)) await c.close();
  await sys?.close();
  sys = undefined;
});

const escalationOf = (alertId: number) => (f: ConsoleFrame) => f.type === "alert.escalated" && "alert" in f && f.alert?.id === alertId;

it("shows a district user nothing of another district, on its console and over HTTP, and follows a community moved into its district", async () => {
  sys = await startTestSystem();
  const a = await createDistrict(sys, "District A");
  const b = await createDistrict(sys, "District B");
  const x = await districtHousehold(sys, a, 1, "+8613800063001");
  const y = await districtHousehold(sys, b, 1, "+8613800063002");
  const officer = await createDistrictUser(sys, [a]);
  const cookie = await login(sys, officer);
  const api = asUser(sys, cookie);
  const admin = await openConsole(sys.httpUrl);
  consoles.push(admin);
  const mine = await openConsole(sys.httpUrl, { cookie });
  consoles.push(mine);

  // Y's alarm goes up first (seen by the admin), then X's: had Y's frames reached A's console, they came before X's
  const yAlert = await press(sys, y);
  await admin.waitFor(escalationOf(yAlert), 10_000);
  const xAlert = await press(sys, x);
  await mine.waitFor(escalationOf(xAlert), 10_000);
  expect(mine.frames[0]).toMatchObject({ type: "snapshot", alerts: [] });
  const events = mine.frames.slice(1) as { communityId: number; alert?: AlertView }[];
  expect(events.length).toBeGreaterThan(1);
  expect(events.every((e) => e.communityId === x.communityId)).toBe(true);

  // HTTP: alerts, districts, the dashboard, the registry
  expect((await api<AlertView[]>("GET", "/api/alerts")).body.map((al) => al.id)).toEqual([xAlert]);
  expect((await api<AlertView[]>("GET", `/api/alerts?communityId=${y.communityId}`)).body).toEqual([]);
  expect((await api("GET", `/api/alerts/${yAlert}`)).status).toBe(404);
  expect((await api<DistrictView[]>("GET", "/api/districts")).body).toEqual([{ id: a, name: "District A", phone: "+8613800099000", communityIds: [x.communityId], createdAt: expect.any(Number) }]);
  expect((await api("GET", `/api/districts/${b}`)).status).toBe(404);
  expect((await api("GET", `/api/district/dashboard?districtId=${b}`)).status).toBe(404);
  const dash = await api<DistrictDashboard>("GET", "/api/district/dashboard");
  expect(dash.body.districts.map((d) => d.id)).toEqual([a]);
  expect(dash.body.districts[0]!.communities.map((c) => c.communityId)).toEqual([x.communityId]);
  expect(dash.body.escalated.map((e) => e.alert.id)).toEqual([xAlert]);
  for (const url of [`/api/communities/${y.communityId}`, `/api/households/${y.householdId}`, `/api/buildings/${y.buildingId}`]) {
    expect([403, 404], url).toContain((await api("GET", url)).status);
  }
  // the district's records are the admin's to change
  expect((await api("POST", "/api/districts", { name: "Mine now" })).status).toBe(403);
  expect((await api("PATCH", `/api/districts/${a}`, { name: "Renamed" })).status).toBe(403);
  // the admin sees both
  const all = await sys.api<DistrictDashboard>("GET", "/api/district/dashboard");
  expect(all.body.districts.map((d) => d.id)).toEqual([a, b]);
  expect(all.body.escalated.map((e) => e.alert.id)).toEqual([yAlert, xAlert]);

  // Y's community moves into district A: the officer's console (opened on the old scope) closes and it logs in again
  expect((await sys.api("PATCH", `/api/communities/${y.communityId}`, { districtId: a })).status).toBe(200);
  expect(await mine.closed).toMatchObject({ code: 4001 });
  await waitFor(async () => (await api("GET", "/api/session")).status === 401, 5000, "the old session ended");
  const again = asUser(sys, await login(sys, officer));
  expect((await again<AlertView[]>("GET", "/api/alerts")).body.map((al) => al.id).sort()).toEqual([xAlert, yAlert].sort());
  expect((await again<DistrictDashboard>("GET", "/api/district/dashboard")).body.districts[0]!.communities.map((c) => c.communityId)).toEqual([x.communityId, y.communityId]);
  expect((await again("GET", `/api/alerts/${yAlert}`)).status).toBe(200);
});

it("gives a dispatcher of community X 403 or 404, never Y's data, for every read of community Y", async () => {
  sys = await startTestSystem();
  const b = await createDistrict(sys, "District B");
  const x = await districtHousehold(sys, null, 180, "+8613800064001");
  const y = await districtHousehold(sys, b, 180, "+8613800064002");
  const yAlert = await press(sys, y);
  const yResident = (await sys.api<{ id: number; name: string }[]>("GET", `/api/residents?householdId=${y.householdId}`)).body[0]!;
  const dispatcher = await createUser(sys.api, { name: "X Dispatcher", communityIds: [x.communityId] });
  const api = asUser(sys, await login(sys, dispatcher));
  expect((await api("GET", `/api/households/${x.householdId}`)).status).toBe(200); // the dispatcher can read: the walk below is about scope
  const markers = [yResident.name, "+8613800064002", y.device.id, "District B"];

  const byId = [
    `/api/alerts/${yAlert}`, `/api/alerts/${yAlert}/dispatches`, `/api/board/alerts/${yAlert}/report`,
    `/api/communities/${y.communityId}`, `/api/communities/${y.communityId}/service-categories`, `/api/buildings/${y.buildingId}`,
    `/api/units/${y.unitId}`, `/api/households/${y.householdId}`, `/api/households/${y.householdId}/card`,
    `/api/households/${y.householdId}/door-code-reveals`, `/api/residents/${yResident.id}`, `/api/contacts/${y.contactIds[0]}`,
    `/api/devices/${y.device.id}`, `/api/districts/${b}`, `/api/district/dashboard`, `/api/district/dashboard?districtId=${b}`,
  ];
  for (const url of byId) {
    const r = await api("GET", url);
    expect([403, 404], `${url} answered ${r.status} ${r.text}`).toContain(r.status);
  }
  // lists filtered to Y: refused, or answered without any of Y's records
  const lists = [
    `/api/alerts?communityId=${y.communityId}`, `/api/alerts`, `/api/buildings?communityId=${y.communityId}`, `/api/units?buildingId=${y.buildingId}`,
    `/api/households?unitId=${y.unitId}`, `/api/residents?householdId=${y.householdId}`, `/api/contacts?householdId=${y.householdId}`,
    `/api/devices?householdId=${y.householdId}`, `/api/communities`, `/api/board/devices?communityId=${y.communityId}`,
    `/api/board/buildings?communityId=${y.communityId}`, `/api/board/history?communityId=${y.communityId}`, `/api/districts`, `/api/patrol?communityId=${y.communityId}`,
  ];
  for (const url of lists) {
    const r = await api("GET", url);
    if (r.status === 200) for (const m of markers) expect(r.text, `${url} shows ${m}`).not.toContain(m);
    else expect([400, 403, 404], `${url} answered ${r.status}`).toContain(r.status);
  }
});
