/**
 * District escalation: an alarm still unclaimed after its community's `districtEscalationS` goes up
 * to the district's consoles once (an `alert.escalated` event, on the district user's socket and
 * dashboard); an alarm claimed in time, a service request and an alarm raised in maintenance never
 * do; and a restart escalates an alarm whose delay passed while the gateway was down.
 */
import { afterEach, expect, it } from "vitest";
import type { ConsoleFrame, DistrictDashboard } from "@helpkey/shared";
import { openConsole, type ConsoleClient } from "../helpers/console-client";
import { asUser, createDistrict, createDistrictUser, districtHousehold, login, neighbour, press } from "../helpers/district";
import { startTestSystem, type TestSystem } from "../helpers/system";

let sys: TestSystem | undefined;
let second: TestSystem | undefined;
let con: ConsoleClient | undefined;
afterEach(async () => {
  await con?.close();
  con = undefined;
  await second?.close();
  second = undefined;
  await sys?.close();
  sys = undefined;
});

const escalationOf = (alertId: number) => (f: ConsoleFrame) => f.type === "alert.escalated" && "alert" in f && f.alert?.id === alertId;
const eventTypes = async (s: TestSystem, alertId: number) => (await s.api<{ events: { type: string }[] }>("GET", `/api/alerts/${alertId}`)).body.events.map((e) => e.type);

it("escalates an unclaimed alarm to the district console and dashboard; one claimed in time, a service request and a maintenance alarm never", async () => {
  sys = await startTestSystem();
  const district = await createDistrict(sys, "Riverside District");
  const first = await districtHousehold(sys, district, 2, "+8613800061001");
  const second_ = await neighbour(sys, first, "+8613800061002", "202");
  const service = await neighbour(sys, first, "+8613800061003", "303");
  const repair = await neighbour(sys, first, "+8613800061004", "404");
  const officer = await createDistrictUser(sys, [district]);
  const cookie = await login(sys, officer);
  con = await openConsole(sys.httpUrl, { cookie });

  // claimed in time: acknowledged right after the press, well before its 2 s
  const claimed = await press(sys, first);
  expect((await sys.api("POST", `/api/alerts/${claimed}/acknowledge`, {})).status).toBe(200);
  const serviceAlert = await press(sys, service, "service");
  expect((await sys.api("POST", `/api/households/${repair.householdId}/maintenance`, { on: true })).status).toBe(200);
  const maintenanceAlert = await press(sys, repair);
  // pressed last: its escalation is due after every other alarm's would be
  const unclaimed = await press(sys, second_);

  const frame = await con.waitFor(escalationOf(unclaimed), 15_000);
  expect(frame).toMatchObject({ type: "alert.escalated", communityId: first.communityId, alert: { id: unclaimed, state: "open" } });
  // the later alarm went up, so the scans that would have taken the others have run
  for (const id of [claimed, serviceAlert, maintenanceAlert]) {
    expect(con.frames.some(escalationOf(id))).toBe(false);
    expect(await eventTypes(sys, id)).not.toContain("alert.escalated");
  }
  // once, in the alert's own audit trail
  expect((await eventTypes(sys, unclaimed)).filter((t) => t === "alert.escalated")).toHaveLength(1);

  const dash = await asUser(sys, cookie)<DistrictDashboard>("GET", "/api/district/dashboard");
  expect(dash.status).toBe(200);
  expect(dash.body.districts.map((d) => d.id)).toEqual([district]);
  expect(dash.body.escalated.map((e) => e.alert.id)).toEqual([unclaimed]);
  const row = dash.body.districts[0]!.communities.find((c) => c.communityId === first.communityId)!;
  expect(row).toMatchObject({ activeAlerts: 2, openAlerts: 1, escalatedOpen: 1, timeZone: "Asia/Shanghai" });
  expect(row.oldestOpen?.alertId).toBe(unclaimed);
  expect(row.today).toMatchObject({ answered: 1, unanswered: 1 });
  expect(row.today.medianS).toEqual(expect.any(Number));
  expect(row.today.p90S).toEqual(expect.any(Number));

  // claimed now: the district's list empties, the alarm is not escalated again
  expect((await sys.api("POST", `/api/alerts/${unclaimed}/acknowledge`, {})).status).toBe(200);
  const after = await asUser(sys, cookie)<DistrictDashboard>("GET", "/api/district/dashboard");
  expect(after.body.escalated).toEqual([]);
  expect(after.body.districts[0]!.communities[0]).toMatchObject({ activeAlerts: 2, openAlerts: 0, escalatedOpen: 0, oldestOpen: null, today: { answered: 2, unanswered: 0 } });
});

it("escalates after a restart an alarm whose delay passed while the gateway was down", async () => {
  sys = await startTestSystem();
  const district = await createDistrict(sys);
  const home = await districtHousehold(sys, district, 600, "+8613800062001");
  const officer = await createDistrictUser(sys, [district]);
  const alertId = await press(sys, home);
  expect(await eventTypes(sys, alertId)).not.toContain("alert.escalated");
  await sys.stop();

  // ten minutes pass while it is down: the second start's clock is an hour on
  second = await startTestSystem({ dataDir: sys.dataDir, now: () => Date.now() + 3600_000 });
  const cookie = await login(second, officer);
  // a console that saw nothing replays the log from the start: the escalation is in it
  con = await openConsole(second.httpUrl, { cookie, since: 0 });
  const frame = await con.waitFor(escalationOf(alertId), 10_000);
  expect(frame).toMatchObject({ type: "alert.escalated", communityId: home.communityId });
  expect((await eventTypes(second, alertId)).filter((t) => t === "alert.escalated")).toHaveLength(1);
  const dash = await asUser(second, cookie)<DistrictDashboard>("GET", "/api/district/dashboard");
  expect(dash.body.escalated.map((e) => e.alert.id)).toEqual([alertId]);
});
