/**
 * Revocation takes effect at once: disabling a user, changing their role or communities, or logging
 * out closes their console sockets and ends their sessions; a new admin token ends the sessions the
 * old one opened; retiring a patrol member or closing the alert kills their responder links.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "@helpkey/gateway/config";
import { startSystem, type System } from "@helpkey/gateway/system";
import { CloseCodes } from "@helpkey/gateway/console/console-hub";
import { createUser } from "../helpers/browser";
import { createHousehold, type Household } from "../helpers/community";
import { openConsole, type ConsoleClient } from "../helpers/console-client";
import { connectSim } from "../helpers/device";
import { loginRaw, rawRequest } from "../helpers/raw-http";
import { makeApi, startTestSystem, testEnv, waitFor, type TestSystem } from "../helpers/system";

describe("console users", () => {
  let sys: TestSystem;
  let home: Household;
  let userId: number;
  let login: { username: string; password: string };
  const consoles: ConsoleClient[] = [];

  beforeEach(async () => {
    sys = await startTestSystem();
    home = await createHousehold(sys.api, { contacts: [{ name: "Daughter", phone: "+8613800091001", priority: 1 }] });
    const other = await createHousehold(sys.api, { contacts: [{ name: "Other", phone: "+8613800091002", priority: 1 }] });
    login = await createUser(sys.api, { name: "Night Shift", communityIds: [home.communityId, other.communityId] });
    userId = (await sys.api<{ id: number; username: string }[]>("GET", "/api/users")).body.find((u) => u.username === login.username)!.id;
  });
  afterEach(async () => {
    for (const c of consoles.splice(0)) await c.close();
    await sys.close();
  });

  async function session(): Promise<{ cookie: string; console: ConsoleClient }> {
    const r = await loginRaw(sys.httpUrl, login.username, login.password);
    expect(r.status).toBe(200);
    const console = await openConsole(sys.httpUrl, { cookie: r.cookie! });
    consoles.push(console);
    await console.waitFor((f) => f.type === "snapshot");
    return { cookie: r.cookie!, console };
  }

  const whoAmI = async (cookie: string) => (await rawRequest(sys.httpUrl, { method: "GET", path: "/api/session", headers: { cookie } })).status;

  /** A press in the user's community: its console event proves a socket is still live and fed. */
  async function press(): Promise<number> {
    const d = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
    const ack = await d.waitForAck(d.press().seq, "received", 5000);
    await d.close();
    return ack.alertId;
  }

  it("disabling the account closes its console and ends its session", async () => {
    const { cookie, console } = await session();
    expect((await sys.api("DELETE", `/api/users/${userId}`)).status).toBe(204);
    expect(await console.closed).toEqual({ code: CloseCodes.revoked, reason: "account disabled" });
    expect(await whoAmI(cookie)).toBe(401);
    expect((await loginRaw(sys.httpUrl, login.username, login.password)).status).toBe(401);
  });

  it("narrowing the communities or changing the role closes the consoles; renaming does not", async () => {
    const first = await session();
    expect((await sys.api("PATCH", `/api/users/${userId}`, { name: "Night Shift Lead" })).status).toBe(200);
    const alertId = await press();
    await first.console.waitFor((f) => f.type === "alert.created" && f.alert?.id === alertId);
    expect(await whoAmI(first.cookie)).toBe(200);

    expect((await sys.api("PATCH", `/api/users/${userId}`, { communityIds: [home.communityId] })).status).toBe(200);
    expect((await first.console.closed).code).toBe(CloseCodes.revoked);
    expect(await whoAmI(first.cookie)).toBe(401);

    const second = await session();
    expect((await sys.api("PATCH", `/api/users/${userId}`, { role: "supervisor" })).status).toBe(200);
    expect((await second.console.closed).code).toBe(CloseCodes.revoked);
    expect(await whoAmI(second.cookie)).toBe(401);
  });

  it("logging out closes that session's consoles, and only that session's", async () => {
    const desk = await session();
    const tablet = await session();
    expect((await rawRequest(sys.httpUrl, { method: "DELETE", path: "/api/session", headers: { cookie: desk.cookie } })).status).toBe(204);
    expect(await desk.console.closed).toEqual({ code: CloseCodes.revoked, reason: "logged out" });
    const alertId = await press();
    await tablet.console.waitFor((f) => f.type === "alert.created" && f.alert?.id === alertId);
    expect(await whoAmI(tablet.cookie)).toBe(200);
    expect(await whoAmI(desk.cookie)).toBe(401);
  });
});

describe("the admin token", () => {
  let dir: string;
  let sys: System | undefined;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "hk-token-"));
  });
  afterEach(async () => {
    await sys?.close();
    sys = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string | undefined>, newAdminToken = false) => {
    await sys?.close();
    const base: Record<string, string | undefined> = { ...testEnv(dir), ...env };
    sys = await startSystem(loadConfig(base), { newAdminToken });
    return sys;
  };
  const bearer = async (s: System, token: string) => (await makeApi(s.httpUrl, token)("GET", "/api/alerts")).status;

  it("is generated once, shown once, stored only as a digest; a new one ends the old one's sessions", async () => {
    let s = await start({ HK_ADMIN_TOKEN: undefined });
    const first = s.generatedAdminToken!;
    expect(first).toMatch(/^hk_/);
    expect(await bearer(s, first)).toBe(200);
    const adminCookie = (await loginRaw(s.httpUrl, "admin", first)).cookie!;
    await s.close();
    // nothing in the data dir holds the token in clear (database, WAL, any file)
    for (const f of readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())) {
      expect(readFileSync(path.join(f.parentPath, f.name)).includes(first), f.name).toBe(false);
    }

    s = await start({ HK_ADMIN_TOKEN: undefined });
    expect(s.generatedAdminToken).toBeNull(); // not shown again
    expect(await bearer(s, first)).toBe(200);
    expect((await rawRequest(s.httpUrl, { method: "GET", path: "/api/session", headers: { cookie: adminCookie } })).status).toBe(200);

    s = await start({ HK_ADMIN_TOKEN: undefined }, true);
    const second = s.generatedAdminToken!;
    expect(second).not.toBe(first);
    expect(await bearer(s, first)).toBe(401);
    expect(await bearer(s, second)).toBe(200);
    expect((await rawRequest(s.httpUrl, { method: "GET", path: "/api/session", headers: { cookie: adminCookie } })).status).toBe(401);
  });

  it("changing HK_ADMIN_TOKEN ends every session the old token opened", async () => {
    let s = await start({ HK_ADMIN_TOKEN: "first-admin-token-0123456789" });
    expect(s.generatedAdminToken).toBeNull();
    const cookie = (await loginRaw(s.httpUrl, "admin", "first-admin-token-0123456789")).cookie!;
    expect((await rawRequest(s.httpUrl, { method: "GET", path: "/api/session", headers: { cookie } })).status).toBe(200);
    s = await start({ HK_ADMIN_TOKEN: "second-admin-token-0123456789" });
    expect((await rawRequest(s.httpUrl, { method: "GET", path: "/api/session", headers: { cookie } })).status).toBe(401);
    expect(await bearer(s, "first-admin-token-0123456789")).toBe(401);
    expect((await loginRaw(s.httpUrl, "admin", "second-admin-token-0123456789")).status).toBe(200);
  });

  it("is accepted in the query string on the console WebSocket only", async () => {
    const s = await start({ HK_ADMIN_TOKEN: "query-admin-token-0123456789" });
    const viaQuery = await rawRequest(s.httpUrl, { method: "GET", path: "/api/alerts?token=query-admin-token-0123456789" });
    expect(viaQuery.status).toBe(401);
    const console = await openConsole(s.httpUrl, { token: "query-admin-token-0123456789" });
    expect((await console.waitFor((f) => f.type === "snapshot")).type).toBe("snapshot");
    await console.close();
  });
});

describe("responder links", () => {
  let sys: TestSystem;
  let home: Household;
  beforeEach(async () => {
    sys = await startTestSystem();
    home = await createHousehold(sys.api, { contacts: [{ name: "Daughter", phone: "+8613800092001", priority: 1 }] });
  });
  afterEach(async () => {
    await sys.close();
  });

  async function dispatched(): Promise<{ alertId: number; token: string; memberId: number }> {
    const d = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
    const alertId = (await d.waitForAck(d.press().seq, "received", 5000)).alertId;
    await d.close();
    const phone = `+86138000930${String(alertId).padStart(2, "0")}`;
    const member = await sys.api<{ id: number }>("POST", "/api/patrol", { communityId: home.communityId, name: "Patrol Zhao", phone, language: "en" });
    expect((await sys.api("POST", `/api/alerts/${alertId}/dispatch-patrol`, { patrolMemberId: member.body.id })).status).toBe(201);
    const sms = await waitFor(() => sys.phone!.messages.find((m) => m.to === phone), 5000, "the patrol's SMS");
    const token = /\/r\/(\S+)/.exec(sms.body)![1]!;
    expect((await rawRequest(sys.httpUrl, { method: "GET", path: `/api/responder/${token}` })).status).toBe(200);
    return { alertId, token, memberId: member.body.id };
  }

  it("stop working when the patrol member is retired", async () => {
    const { token, memberId } = await dispatched();
    expect((await sys.api("DELETE", `/api/patrol/${memberId}`)).status).toBe(204);
    const r = await rawRequest(sys.httpUrl, { method: "GET", path: `/api/responder/${token}` });
    expect(r.status).toBe(410);
    expect(r.text).toContain("withdrawn");
    expect((await rawRequest(sys.httpUrl, { method: "POST", path: `/api/responder/${token}/on-way` })).status).toBe(410);
  });

  it("stop working when the alert is resolved", async () => {
    const { alertId, token } = await dispatched();
    expect((await sys.api("POST", `/api/alerts/${alertId}/resolve`, { outcome: "real" })).status).toBe(200);
    expect((await rawRequest(sys.httpUrl, { method: "GET", path: `/api/responder/${token}` })).status).toBe(410);
    expect((await rawRequest(sys.httpUrl, { method: "POST", path: `/api/responder/${token}/arrived` })).status).toBe(410);
  });
});
