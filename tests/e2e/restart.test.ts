/** Restarting the gateway on the same data dir keeps every alert. */
import { afterEach, expect, it } from "vitest";
import type { AlertView } from "@helpkey/shared";
import { createHousehold } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { ADMIN_TOKEN, startTestSystem, type TestSystem } from "../helpers/system";

let second: TestSystem | undefined;
afterEach(async () => {
  await second?.close();
});

it("keeps every alert, and the device's seq dedupe, across a restart", async () => {
  const first = await startTestSystem();
  const home = await createHousehold(first.api, { contacts: [{ name: "C", phone: "+8613800003001", priority: 1 }] });
  const device = await connectSim(first.mqttUrl, home.device.id, home.device.secret);
  const ack = await device.waitForAck(device.press().seq, "received", 5000);
  expect((await first.api("POST", `/api/alerts/${ack.alertId}/acknowledge`, { by: "Z" })).status).toBe(200);
  await device.close();
  const before = (await first.api<AlertView[]>("GET", "/api/alerts")).body;
  await first.stop();

  second = await startTestSystem({ dataDir: first.dataDir });
  const after = (await second.api<AlertView[]>("GET", "/api/alerts")).body;
  expect(after).toEqual(before);
  expect(after[0]).toMatchObject({ id: ack.alertId, state: "acknowledged", acknowledgedBy: "Z" });
  const detail = await second.api<{ events: { type: string }[] }>("GET", `/api/alerts/${ack.alertId}`);
  expect(detail.body.events.map((e) => e.type)).toEqual(expect.arrayContaining(["alert.created", "alert.acknowledged"]));
});

it("stops with a console connected: the console is told the server is going away, and the stop completes", async () => {
  const sys = await startTestSystem();
  const con = new (await import("ws")).default(`${sys.httpUrl.replace(/^http/, "ws")}/api/console?token=${ADMIN_TOKEN}`);
  await new Promise<void>((resolve, reject) => {
    con.once("open", () => resolve());
    con.once("error", reject);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => con.once("close", (code, reason) => resolve({ code, reason: String(reason) })));
  // a console socket must not hold the close open: it is told the server is going away
  await sys.close();
  expect(await closed).toEqual({ code: 1001, reason: "server shutting down" });
});
