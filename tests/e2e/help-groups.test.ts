/**
 * Help groups (楼栋单元组群) on the real system, with the phone-network emulator's people scripted: the
 * group bound to a unit is texted at the alarm and called after the family's wave for a household of
 * that unit — its member's 1 claims the alert as a contact's would — and never for a household of
 * another unit. The API checks places, reads numbers in the community's plan, keeps to scopes and
 * audits every change.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AlertView, NotificationView } from "@helpkey/shared";
import { createUser } from "../helpers/browser";
import { createHousehold, type Household } from "../helpers/community";
import { openConsole } from "../helpers/console-client";
import { connectSim } from "../helpers/device";
import { loginRaw, rawRequest } from "../helpers/raw-http";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem;
let h1: Household;
let h2: Household;
const FAMILY_1 = "+8613800084101";
const FAMILY_2 = "+8613800084201";
const NEIGHBOUR = "+8613800084001";

type Detail = AlertView & { notifications: NotificationView[] };
const detail = async (id: number) => (await sys.api<Detail>("GET", `/api/alerts/${id}`)).body;
const created = <T>(r: { status: number; body: T }): T => {
  if (r.status !== 201) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

beforeEach(async () => {
  sys = await startTestSystem();
  // a ring timeout of 1 s and a wave timeout longer than the test: the next wave comes when the last one ended
  h1 = await createHousehold(sys.api, { policy: { ringTimeoutS: 1, waveTimeoutS: 600, supervisorAfterS: 600, maxRounds: 2 }, contacts: [{ name: "Daughter", phone: FAMILY_1, priority: 1 }] });
  // a household in another unit of the same building
  const unit2 = created(await sys.api<{ id: number }>("POST", "/api/units", { buildingId: h1.buildingId, name: "Unit 2" })).id;
  const hh2 = created(await sys.api<{ id: number }>("POST", "/api/households", { unitId: unit2, room: "201" })).id;
  created(await sys.api("POST", "/api/residents", { householdId: hh2, name: "Grandpa Sun", language: "en" }));
  created(await sys.api("POST", "/api/contacts", { householdId: hh2, name: "Son", phone: FAMILY_2, relation: "son", priority: 1, language: "en" }));
  const device = created(await sys.api<Household["device"]>("POST", "/api/devices", { householdId: hh2, type: "button" }));
  h2 = { ...h1, unitId: unit2, householdId: hh2, contactIds: [], device };
  for (const p of [FAMILY_1, FAMILY_2]) sys.phone!.setPerson(p, { never: true });
  sys.phone!.setPerson(NEIGHBOUR, { answerAfterS: 0.3, press: "1", pressAfterS: 0.2 });
});
afterEach(async () => {
  await sys.close();
});

/** A group of h1's unit with one neighbour, typed as people type numbers (read in the community's country, CN). */
async function unitGroup(): Promise<{ groupId: number; memberId: number }> {
  const group = created(await sys.api<{ id: number; members: unknown[] }>("POST", "/api/help-groups", { communityId: h1.communityId, name: "1单元互助组", scope: "unit", refId: h1.unitId }));
  expect(group.members).toEqual([]);
  const member = created(await sys.api<{ id: number; phone: string; language: string }>("POST", `/api/help-groups/${group.id}/members`, { name: "Neighbour Zhao", phone: "138 0008 4001", role: "neighbour", priority: 1 }));
  expect(member.phone).toBe(NEIGHBOUR);
  expect(member.language).toBe("en"); // the community's
  return { groupId: group.id, memberId: member.id };
}

describe("help groups in the call cascade", () => {
  it("the unit's group is texted at the alarm and called after the family's wave; its member's 1 claims the alert", async () => {
    // the household is in the gateway's cache (its device's status read it) before the group exists
    const console_ = await openConsole(sys.httpUrl);
    const device = await connectSim(sys.mqttUrl, h1.device.id, h1.device.secret);
    try {
      await console_.waitFor((f) => f.type === "device.status" && f.device?.id === h1.device.id);
      await console_.close();
      await unitGroup();

      const { seq } = device.press();
      const acked = await device.waitForAck(seq, "acknowledged", 15_000);
      expect(acked.by).toBe("Neighbour Zhao");
      const a = await detail(acked.alertId);
      expect(a).toMatchObject({ state: "acknowledged", goingBy: "Neighbour Zhao" });
      const calls = a.notifications.filter((n) => n.channel === "call");
      expect(calls.map((n) => [n.contactName, n.wave, n.status])).toEqual([["Daughter", 1, "no-answer"], ["Neighbour Zhao", 2, "pressed1"]]);
      const phone = sys.phone!;
      expect(phone.calls.find((c) => c.to === NEIGHBOUR)!.at).toBeGreaterThanOrEqual(phone.calls.find((c) => c.to === FAMILY_1)!.endedAt!);
      // the alarm text went to the neighbour too (in the later wave); the family is told who is going
      const alarms = a.notifications.filter((n) => n.channel === "sms" && n.purpose === "alarm");
      expect(alarms.map((n) => [n.contactName, n.wave])).toEqual([["Daughter", 1], ["Neighbour Zhao", 2]]);
      await waitFor(() => phone.messages.some((m) => m.to === FAMILY_1 && m.body.includes("Neighbour Zhao is on the way")), 5000, "the family told who is going");
      expect(phone.messages.filter((m) => m.to === NEIGHBOUR && /is on the way/.test(m.body))).toEqual([]);
    } finally {
      await device.close();
    }
  });

  it("a household of another unit never calls the unit's group", async () => {
    await unitGroup();
    const device = await connectSim(sys.mqttUrl, h2.device.id, h2.device.secret);
    try {
      const { alertId } = await device.waitForAck(device.press().seq, "received", 5000);
      // the family's second round: the cascade has passed the point where a help group would be called
      const a = await waitFor(async () => {
        const d = await detail(alertId);
        return d.notifications.filter((n) => n.channel === "call" && n.contactName === "Son").length >= 2 ? d : null;
      }, 15_000, "the son called twice");
      expect(a.notifications.map((n) => n.contactName)).not.toContain("Neighbour Zhao");
      expect(sys.phone!.calls.filter((c) => c.to === NEIGHBOUR)).toEqual([]);
      expect(sys.phone!.messages.filter((m) => m.to === NEIGHBOUR)).toEqual([]);
    } finally {
      await device.close();
    }
  });
});

describe("the help-group API", () => {
  it("checks the place and the phone, keeps to scopes, audits every change", async () => {
    const other = await createHousehold(sys.api, { contacts: [{ name: "X", phone: "+8613800084901", priority: 1 }] });
    const foreign = await sys.api<{ error: { field: string } }>("POST", "/api/help-groups", { communityId: h1.communityId, name: "G", scope: "unit", refId: other.unitId });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.field).toBe("refId");
    expect((await sys.api<{ error: { field: string } }>("POST", "/api/help-groups", { communityId: h1.communityId, name: "G", scope: "unit", refId: h1.buildingId + 1000 })).body.error.field).toBe("refId");

    const { groupId, memberId } = await unitGroup();
    const badPhone = await sys.api<{ error: { field: string } }>("POST", `/api/help-groups/${groupId}/members`, { name: "Y", phone: "12", role: "volunteer" });
    expect([badPhone.status, badPhone.body.error.field]).toEqual([400, "phone"]);
    expect((await sys.api("POST", `/api/help-groups/${groupId}/members`, { name: "Y", phone: "+8613800084002", role: "volunteer", priority: 10 })).status).toBe(400);
    expect((await sys.api<{ error: { field: string } }>("PATCH", `/api/help-groups/${groupId}`, { refId: other.unitId })).body.error.field).toBe("refId");
    expect((await sys.api<{ scope: string }>("PATCH", `/api/help-groups/${groupId}`, { scope: "building", refId: h1.buildingId })).body.scope).toBe("building");
    expect((await sys.api<{ priority: number }>("PATCH", `/api/help-groups/${groupId}/members/${memberId}`, { priority: 2 })).body.priority).toBe(2);

    // a dispatcher of the community reads it; one of another community does not see it; neither changes it
    const mine = await createUser(sys.api, { name: "Desk 1", communityIds: [h1.communityId] });
    const theirs = await createUser(sys.api, { name: "Desk 2", communityIds: [other.communityId] });
    const cookie = async (u: { username: string; password: string }) => (await loginRaw(sys.httpUrl, u.username, u.password)).cookie!;
    const get = async (c: string, path: string) => rawRequest(sys.httpUrl, { method: "GET", path, headers: { cookie: c } });
    const c1 = await cookie(mine);
    const c2 = await cookie(theirs);
    expect((await get(c1, `/api/help-groups/${groupId}`)).status).toBe(200);
    expect(JSON.parse((await get(c1, "/api/help-groups")).text).map((g: { id: number }) => g.id)).toEqual([groupId]);
    expect((await get(c2, `/api/help-groups/${groupId}`)).status).toBe(404);
    expect(JSON.parse((await get(c2, "/api/help-groups")).text)).toEqual([]);
    expect((await get(c2, `/api/help-groups/${groupId}/members`)).status).toBe(404);
    const write = await rawRequest(sys.httpUrl, { method: "DELETE", path: `/api/help-groups/${groupId}`, headers: { cookie: c1 } });
    expect(write.status).toBe(403);

    expect((await sys.api("DELETE", `/api/help-groups/${groupId}/members/${memberId}`)).status).toBe(204);
    expect((await sys.api("DELETE", `/api/help-groups/${groupId}`)).status).toBe(204);
    expect((await sys.api("GET", `/api/help-groups/${groupId}`)).status).toBe(404);
    const audit = sys.ctx.db.$client.prepare("SELECT entity, action, community_id AS c FROM audit_log WHERE entity LIKE 'help_group%' ORDER BY id").all();
    expect(audit).toEqual([
      { entity: "help_group", action: "create", c: h1.communityId },
      { entity: "help_group_member", action: "create", c: h1.communityId },
      { entity: "help_group", action: "update", c: h1.communityId },
      { entity: "help_group_member", action: "update", c: h1.communityId },
      { entity: "help_group_member", action: "delete", c: h1.communityId },
      { entity: "help_group", action: "delete", c: h1.communityId },
    ]);
  });
});
