/**
 * A console that stops reading cannot make the gateway buffer without bound: once its send buffer
 * passes the limit it is closed with a reason, and when it comes back with `since=N` it receives
 * exactly what it missed.
 */
import { afterEach, expect, it } from "vitest";
import WebSocket from "ws";
import type { ConsoleFrame } from "@helpkey/shared";
import { CloseCodes } from "@helpkey/gateway/console/console-hub";
import { createHousehold } from "../helpers/community";
import { openConsole } from "../helpers/console-client";
import { alarm, connectRaw } from "../helpers/device";
import { ADMIN_TOKEN, startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem;
afterEach(async () => {
  await sys.close();
});

it("closes a console that stopped reading once its send buffer passes the limit; since=N then replays what it missed", async () => {
  sys = await startTestSystem({ consoleSendBufferLimit: 256 * 1024 });
  const home = await createHousehold(sys.api, { contacts: [{ name: "Daughter", phone: "+8613800094001", priority: 1 }] });
  // long names make every alert event a few KB, so a few hundred presses fill the loopback's buffers
  for (let i = 0; i < 40; i++) expect((await sys.api("POST", "/api/residents", { householdId: home.householdId, name: `Resident ${i} ${"长".repeat(80)}` })).status).toBe(201);
  const devices = [home.device];
  for (let i = 0; i < 49; i++) devices.push((await sys.api<typeof home.device>("POST", "/api/devices", { householdId: home.householdId, type: "button" })).body);

  // the stalled console: takes the snapshot, then reads nothing more
  const stalled = new WebSocket(`${sys.httpUrl.replace(/^http/, "ws")}/api/console?token=${ADMIN_TOKEN}`);
  const first = await new Promise<ConsoleFrame>((resolve) => stalled.once("message", (d) => resolve(JSON.parse(String(d)) as ConsoleFrame)));
  expect(first.type).toBe("snapshot");
  stalled.pause();
  const closed = new Promise<{ code: number; reason: string }>((resolve) => stalled.once("close", (code, reason) => resolve({ code, reason: String(reason) })));
  // a console that keeps reading sees every press: the barrier that says when the presses are in
  const reader = await openConsole(sys.httpUrl);

  const clients = await Promise.all(devices.map((d) => connectRaw(sys.mqttUrl, d.id, d.secret)));
  let presses = 0;
  for (let seq = 1; seq <= 20; seq++) {
    await Promise.all(clients.map((c, i) => c.client.publishAsync(`hk/v1/dev/${devices[i]!.id}/alarm`, alarm(seq), { qos: 1 })));
    presses += clients.length;
  }
  await waitFor(() => reader.frames.filter((f) => f.type === "alert.created" || f.type === "alert.pressed").length >= presses, 30_000, "every press on the reading console");
  const last = reader.lastN();

  stalled.resume();
  expect(await closed).toEqual({ code: CloseCodes.tooSlow, reason: expect.stringContaining("since=N") });
  const metrics = await (await fetch(`${sys.httpUrl}/metrics`)).text();
  expect(metrics).toMatch(/^hk_console_slow_closed_total 1$/m);

  // it comes back where it left off and receives exactly what it missed
  const resumed = await openConsole(sys.httpUrl, { since: first.n });
  await resumed.waitFor((f) => f.n === last, 10_000);
  const got = resumed.frames.map((f) => f.n);
  expect(got[0]).toBe(first.n + 1);
  expect(new Set(got).size).toBe(got.length);
  expect(resumed.frames.some((f) => f.type === "snapshot")).toBe(false);
  await Promise.all([reader.close(), resumed.close(), ...clients.map((c) => c.client.endAsync())]);
}, 90_000);
