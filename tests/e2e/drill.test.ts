/**
 * A drill end to end on the real system: a supervisor starts it, three households press, the
 * alarms are the drill's (alerts.drillId); with callFamily the family's scripted phone (the
 * emulator) presses 1 and claims one of them, the dispatcher acknowledges the others and marks all
 * three arrived, the drill ends and its report has a row per alarm with every step's time and
 * met/missed. Without callFamily no contact is texted or called (proved after a later alarm's
 * text and call went out, and after the report was written), and a drill alarm never goes up to
 * the district. Start and end are for the community's supervisors, audited, one drill at a time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertView, ConsoleEvent } from "@helpkey/shared";
import type { DrillDetail, DrillView } from "@helpkey/shared/drills";
import { pressBarrier } from "../helpers/barrier";
import { createUser } from "../helpers/browser";
import { createHousehold, type Household } from "../helpers/community";
import { openConsole, type ConsoleClient } from "../helpers/console-client";
import { asUser, createDistrict, login, press } from "../helpers/district";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem;
let con: ConsoleClient;
let homes: Household[];
let supervisor: ReturnType<typeof asUser>;
const PHONES = ["+8613800087001", "+8613800087002", "+8613800087003"];

beforeAll(async () => {
  sys = await startTestSystem();
  const first = await createHousehold(sys.api, { contacts: [{ name: "Daughter", phone: PHONES[0]!, priority: 1 }] });
  homes = [first];
  for (const phone of PHONES.slice(1)) homes.push(await createHousehold(sys.api, { communityId: first.communityId, contacts: [{ name: "Son", phone, priority: 1 }] }));
  // the daughter answers at once and presses 1; the others never answer
  sys.phone!.setPerson(PHONES[0]!, { answerAfterS: 0.2, press: "1", pressAfterS: 0.2 });
  for (const phone of PHONES.slice(1)) sys.phone!.setPerson(phone, { never: true });
  const lead = await createUser(sys.api, { name: "Supervisor Li", communityIds: [first.communityId], role: "supervisor" });
  supervisor = asUser(sys, await login(sys, lead));
  con = await openConsole(sys.httpUrl);
});
afterAll(async () => {
  await con?.close();
  await sys?.close();
});

const consoleAlert = async (type: ConsoleEvent["type"], alertId: number): Promise<AlertView> =>
  ((await con.waitFor((f) => f.type === type && "alert" in f && f.alert?.id === alertId, 10_000)) as ConsoleEvent).alert!;
const contactTraffic = (phone: string) => ({ sms: sys.phone!.messages.filter((m) => m.to === phone).length, calls: sys.phone!.calls.filter((c) => c.to === phone).length });

describe("a drill", () => {
  it("marks the community's alarms, lets the family's phone claim one, and ends with a report of every step", async () => {
    const communityId = homes[0]!.communityId;
    const started = await supervisor<DrillDetail>("POST", "/api/drills", { communityId, name: "Night drill", callFamily: true });
    expect(started.status, started.text).toBe(201);
    const drill = started.body;
    expect(drill).toMatchObject({ communityId, name: "Night drill", callFamily: true, running: true, startedBy: "Supervisor Li", timeZone: "Asia/Shanghai" });
    // one at a time per community
    expect((await supervisor("POST", "/api/drills", { communityId, name: "Second" })).status).toBe(409);
    expect((await supervisor<DrillView[]>("GET", "/api/drills?running=true")).body.map((d) => d.id)).toEqual([drill.id]);

    const alertIds: number[] = [];
    for (const h of homes) alertIds.push(await press(sys, h));
    for (const id of alertIds) expect((await consoleAlert("alert.created", id)).drillId).toBe(drill.id);

    // the daughter's scripted phone presses 1: her household's alarm is claimed by her
    const claimed = await consoleAlert("alert.acknowledged", alertIds[0]!);
    expect(claimed.goingBy).toContain("Daughter");
    // the other families' phones rang (the drill calls the family), then the dispatcher takes them
    await waitFor(() => PHONES.slice(1).every((p) => sys.phone!.calls.some((c) => c.to === p && c.statuses.includes("ringing"))), 10_000, "the sons' phones ringing");
    // the phone network rings before the gateway has read its answer: a call row still `sending` when its
    // alert is acknowledged is withdrawn, and the report would have no first call for it
    const placed = sys.ctx.db.$client.prepare("SELECT count(*) AS n FROM notifications WHERE alert_id = ? AND channel = 'call' AND purpose = 'call' AND status NOT IN ('queued', 'sending', 'failed', 'cancelled')");
    await waitFor(() => alertIds.slice(1).every((id) => (placed.get(id) as { n: number }).n > 0), 10_000, "the sons' calls stored as placed");
    for (const id of alertIds.slice(1)) expect((await sys.api("POST", `/api/alerts/${id}/acknowledge`)).status).toBe(200);
    for (const id of alertIds) expect((await sys.api("POST", `/api/alerts/${id}/arrive`)).status).toBe(200);

    // the report so far, then the drill ends and writes it
    const soFar = await supervisor<DrillDetail>("GET", `/api/drills/${drill.id}`);
    expect(soFar.body.report).toMatchObject({ final: false, summary: { alarms: 3 } });
    const ended = await supervisor<DrillDetail>("POST", `/api/drills/${drill.id}/end`);
    expect(ended.status, ended.text).toBe(200);
    const report = ended.body.report;
    expect(report).toMatchObject({ final: true, timeZone: "Asia/Shanghai", targets: { ackMs: 1000, consoleMs: 1000, firstCallS: 30, claimS: 180, arrivalS: 900 } });
    expect(report.rows.map((r) => r.alertId)).toEqual(alertIds);
    for (const row of report.rows) {
      for (const step of ["ack", "console", "firstCall", "claim", "arrival"] as const) {
        const s = row.steps[step];
        expect(s.at, `${row.alertId} ${step}`).toEqual(expect.any(Number));
        expect(s.ms).toBeGreaterThanOrEqual(0);
        expect(s.result, `${row.alertId} ${step}`).toBe(s.ms! <= s.targetMs ? "met" : "missed");
        expect(s.local).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
      }
      expect(row.press.source).toBe("device");
    }
    expect(report.rows[0]!.steps.claim.by).toContain("Daughter");
    expect(report.rows[1]!.steps.claim.by).toBe("admin");
    // the family's key press claimed it after the call was placed
    expect(report.rows[0]!.steps.claim.at!).toBeGreaterThan(report.rows[0]!.steps.firstCall.at!);
    expect(report.summary.steps.firstCall.met + report.summary.steps.firstCall.missed).toBe(3);

    // stored: the same report comes back, the drill no longer runs, both changes are audited
    const stored = await supervisor<DrillDetail>("GET", `/api/drills/${drill.id}`);
    expect(stored.body).toMatchObject({ running: false, endedAt: expect.any(Number) });
    expect(stored.body.report).toEqual(report);
    expect((await supervisor<DrillView[]>("GET", "/api/drills?running=true")).body).toEqual([]);
    expect((await supervisor("POST", `/api/drills/${drill.id}/end`)).status).toBe(409);
    const audit = sys.ctx.db.$client.prepare("SELECT action, actor FROM audit_log WHERE entity = 'drill' AND entity_id = ? ORDER BY id").all(String(drill.id));
    expect(audit).toEqual([{ action: "create", actor: "Supervisor Li" }, { action: "update", actor: "Supervisor Li" }]);
    // after the drill, a press is an ordinary alarm again
    for (const id of alertIds) expect((await sys.api("POST", `/api/alerts/${id}/resolve`, { outcome: "test" })).status).toBe(200);
    const after = await press(sys, homes[2]!);
    expect((await consoleAlert("alert.created", after)).drillId).toBeNull();
    expect((await sys.api("POST", `/api/alerts/${after}/cancel`)).status).toBe(200);
  });

  it("without callFamily texts and calls nobody of the family, and never escalates to the district", async () => {
    const home = await createHousehold(sys.api, { contacts: [{ name: "Wife", phone: "+8613800087010", priority: 1 }], policy: { districtEscalationS: 1 } });
    sys.phone!.setPerson("+8613800087010", { answerAfterS: 0.2, press: "1" });
    const district = await createDistrict(sys);
    expect((await sys.api("PATCH", `/api/communities/${home.communityId}`, { districtId: district })).status).toBe(200);
    const drill = (await sys.api<DrillDetail>("POST", "/api/drills", { communityId: home.communityId, name: "Quiet drill" })).body;
    expect(drill.callFamily).toBe(false);
    const alertId = await press(sys, home);
    expect((await consoleAlert("alert.created", alertId)).drillId).toBe(drill.id);

    // later: an ordinary alarm in another community of the district is texted, called and escalated
    const other = await createHousehold(sys.api, { contacts: [{ name: "Barrier", phone: "+8613800087011", priority: 1 }], policy: { districtEscalationS: 1 } });
    sys.phone!.setPerson("+8613800087011", { never: true });
    expect((await sys.api("PATCH", `/api/communities/${other.communityId}`, { districtId: district })).status).toBe(200);
    const otherAlert = await press(sys, other);
    await consoleAlert("alert.escalated", otherAlert);
    await pressBarrier(sys);
    const ended = (await sys.api<DrillDetail>("POST", `/api/drills/${drill.id}/end`)).body;

    expect(contactTraffic("+8613800087010")).toEqual({ sms: 0, calls: 0 });
    expect(sys.ctx.db.$client.prepare("SELECT count(*) AS n FROM notifications WHERE alert_id = ?").get(alertId)).toEqual({ n: 0 });
    expect(con.frames.some((f) => f.type === "alert.escalated" && "alert" in f && f.alert?.id === alertId)).toBe(false);
    const row = ended.report.rows[0]!;
    expect(row.steps.firstCall).toMatchObject({ at: null, result: "skipped" });
    // nobody claimed it yet, and its target time had not passed when the drill ended: pending, not met
    expect(row.steps.claim).toMatchObject({ at: null, result: "pending" });
    expect(ended.report.summary.allMet).toBe(false);
    expect((await sys.api("POST", `/api/alerts/${alertId}/cancel`)).status).toBe(200);
    expect((await sys.api("POST", `/api/alerts/${otherAlert}/cancel`)).status).toBe(200);
  });

  it("without callFamily still texts and calls the neighbour; a dispatcher's \"not a drill\" tells and calls the family at once", async () => {
    const daughter = "+8613800087020";
    const neighbour = "+8613800087021";
    const home = await createHousehold(sys.api, {
      contacts: [{ name: "Daughter", phone: daughter, priority: 1 }, { name: "Neighbour Zhou", phone: neighbour, priority: 2, relation: "neighbour", role: "neighbour" }],
    });
    for (const phone of [daughter, neighbour]) sys.phone!.setPerson(phone, { never: true });
    const drill = (await sys.api<DrillDetail>("POST", "/api/drills", { communityId: home.communityId, name: "Building drill" })).body;
    const alertId = await press(sys, home);
    expect((await consoleAlert("alert.created", alertId)).drillId).toBe(drill.id);
    // the neighbour rehearses: texted and called; the alarm's texts were queued together, so the daughter's absence is real
    await waitFor(() => sys.phone!.calls.some((c) => c.to === neighbour && c.statuses.includes("ringing")), 10_000, "the neighbour's phone ringing");
    expect(contactTraffic(neighbour).sms).toBe(1);
    expect(contactTraffic(daughter)).toEqual({ sms: 0, calls: 0 });

    // it is no drill: a resident really pressed for help
    const dispatcher = asUser(sys, await login(sys, await createUser(sys.api, { name: "Dispatcher Qian", communityIds: [home.communityId] })));
    const real = await dispatcher<AlertView>("POST", `/api/alerts/${alertId}/real`, {});
    expect(real.status, real.text).toBe(200);
    expect(real.body).toMatchObject({ id: alertId, drillId: null, state: "open" });
    const event = (await con.waitFor((f) => f.type === "alert.real" && "alert" in f && f.alert?.id === alertId, 5000)) as ConsoleEvent;
    expect(event.actor).toBe("Dispatcher Qian");
    // the family first: the daughter is texted and her phone rings, wave 1 again
    await waitFor(() => sys.phone!.calls.some((c) => c.to === daughter && c.statuses.includes("ringing")), 10_000, "the daughter's phone ringing");
    expect(sys.phone!.messages.filter((m) => m.to === daughter)).toHaveLength(1);
    expect(sys.phone!.messages.find((m) => m.to === daughter)!.body).toContain(`#${alertId}`);
    // once only, and the drill no longer counts it
    expect((await dispatcher("POST", `/api/alerts/${alertId}/real`, {})).status).toBe(409);
    const report = (await sys.api<DrillDetail>("GET", `/api/drills/${drill.id}`)).body.report;
    expect(report.rows.map((r) => r.alertId)).not.toContain(alertId);
    expect((await sys.api("POST", `/api/alerts/${alertId}/cancel`)).status).toBe(200);
    expect((await sys.api("POST", `/api/drills/${drill.id}/end`)).status).toBe(200);
  });

  it("is started and ended only by the community's supervisors and administrators", async () => {
    const communityId = homes[0]!.communityId;
    const dispatcher = asUser(sys, await login(sys, await createUser(sys.api, { name: "Dispatcher Wu", communityIds: [communityId] })));
    expect((await dispatcher("POST", "/api/drills", { communityId, name: "Nope" })).status).toBe(403);
    const elsewhere = await createHousehold(sys.api, { contacts: [] });
    const outsider = asUser(sys, await login(sys, await createUser(sys.api, { name: "Supervisor Zhao", communityIds: [elsewhere.communityId], role: "supervisor" })));
    expect((await outsider("POST", "/api/drills", { communityId, name: "Nope" })).status).toBe(404);
    const mine = await supervisor<DrillDetail>("POST", "/api/drills", { communityId, name: "Scoped" });
    expect((await outsider("GET", `/api/drills/${mine.body.id}`)).status).toBe(404);
    expect((await outsider("POST", `/api/drills/${mine.body.id}/end`)).status).toBe(404);
    expect((await outsider<DrillView[]>("GET", "/api/drills")).body.map((d) => d.id)).not.toContain(mine.body.id);
    // a dispatcher of the community sees it (the console's banner) but cannot end it
    expect((await dispatcher<DrillView[]>("GET", "/api/drills?running=true")).body.map((d) => d.id)).toEqual([mine.body.id]);
    expect((await dispatcher("POST", `/api/drills/${mine.body.id}/end`)).status).toBe(403);
    const bad = await supervisor<{ error: { field: string } }>("POST", "/api/drills", { communityId, name: "" });
    expect([bad.status, bad.body.error.field]).toEqual([400, "name"]);
    expect((await supervisor("POST", `/api/drills/${mine.body.id}/end`)).status).toBe(200);
  });
});
