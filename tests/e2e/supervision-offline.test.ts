/**
 * Supervision of a device's link, end to end with a window of seconds (policy supervision.windowS):
 * every device is given its keepalive on coming online (one `cmd config`, the set-top box's menu in
 * the same one); a link that goes quiet is cut by the broker at 1.5 × keepalive and its Last Will
 * puts the device offline on the console; offline for its window it is a technical alert, cleared
 * when it comes back; after a restart a device that never reconnects goes offline with its fault.
 */
import { connect as tcpConnect } from "node:net";
import { generate } from "mqtt-packet";
import mqtt from "mqtt";
import { afterEach, expect, it } from "vitest";
import { topics, type CmdPayload, type ConsoleEvent, type ConsoleFrame } from "@helpkey/shared";
import type { SimDevice } from "@helpkey/firmware-sim/device";
import { openConsole, type ConsoleClient } from "../helpers/console-client";
import { connectSim } from "../helpers/device";
import { faultsOf, supervisedHome } from "../helpers/supervised-home";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem | undefined;
const sims: SimDevice[] = [];
const consoles: ConsoleClient[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of consoles.splice(0)) await c.close();
  for (const d of sims.splice(0)) await d.kill();
  for (const f of cleanups.splice(0)) await f();
  await sys?.close();
  sys = undefined;
});

const WINDOW_S = 2;
const sim = async (url: string, d: { id: string; secret: string }) => {
  const s = await connectSim(url, d.id, d.secret);
  sims.push(s);
  return s;
};
/** A household whose community's window is `windowS`, one device of it, and a console on `system`. */
async function watchedDevice(system: TestSystem, windowS: number) {
  const home = await supervisedHome(system.api, { supervision: { windowS, smsAfterS: 3600 } });
  const dev = await home.device();
  const con = await openConsole(system.httpUrl);
  consoles.push(con);
  return { home, dev, con };
}

/** The first console event of `type` that `pred` accepts. */
async function event(con: ConsoleClient, type: ConsoleEvent["type"], pred: (e: ConsoleEvent) => boolean, timeoutMs: number): Promise<ConsoleEvent> {
  const isIt = (f: ConsoleFrame): f is ConsoleEvent => f.type === type && "ts" in f && pred(f);
  const f = await con.waitFor(isIt, timeoutMs);
  if (!isIt(f)) throw new Error("not the event asked for");
  return f;
}

it("a device offline for its window is a technical alert; it clears when the device comes back", async () => {
  sys = await startTestSystem();
  const { home, dev, con } = await watchedDevice(sys, WINDOW_S);
  const first = await sim(sys.mqttUrl, dev);
  // the keepalive for its window: 1.5 × keepalive fits in 2 s; the device uses it from its next CONNECT
  const config = await new Promise<CmdPayload>((resolve) => first.once("cmd", resolve));
  expect(config).toEqual({ type: "config", keepaliveS: 1 });
  expect(first.keepaliveS).toBe(60);
  sys.broker!.disconnectDevice(dev.id);
  await waitFor(() => first.connected && first.keepaliveS === 1, 5000, "the reconnect with the new keepalive");

  const mark = con.lastN();
  await first.kill();
  sims.splice(sims.indexOf(first), 1);
  const offline = await event(con, "device.status", (e) => e.n > mark && e.device?.id === dev.id && e.device.online === false, 5000);
  const raised = await event(con, "fault.raised", (e) => e.fault?.deviceId === dev.id, 10_000);
  expect(raised.n).toBeGreaterThan(mark); // the brief drop of the reconnect above raised nothing
  expect(raised.fault).toMatchObject({ type: "offline", householdId: home.householdId, communityId: home.communityId, clearedAt: null, address: { building: "B1", unit: "U1", room: "101" } });
  // not before its window
  expect(raised.ts - offline.ts).toBeGreaterThanOrEqual(WINDOW_S * 1000);
  const open = await faultsOf(sys.api, dev.id, "offline", "open");
  expect(open.map((f) => f.id)).toEqual([raised.fault!.id]);
  const board = (await sys.api<{ devices: { id: string; health: string; faults: string[] }[] }>("GET", "/api/board/devices")).body.devices.find((d) => d.id === dev.id);
  expect(board).toMatchObject({ health: "offline", faults: ["offline"] });

  // back: the fault clears
  await sim(sys.mqttUrl, dev);
  const cleared = await event(con, "fault.cleared", (e) => e.fault?.id === raised.fault!.id, 5000);
  expect(cleared.fault?.clearedAt).toEqual(expect.any(Number));
  expect(await faultsOf(sys.api, dev.id, "offline", "open")).toEqual([]);
  expect((await faultsOf(sys.api, dev.id, "offline", "all")).map((f) => f.id)).toEqual([raised.fault!.id]);
});

it("a device that sends a clean DISCONNECT and never comes back is offline at once, and a technical alert at its window", async () => {
  sys = await startTestSystem();
  const { dev, con } = await watchedDevice(sys, WINDOW_S);
  const s = await sim(sys.mqttUrl, dev);
  await event(con, "device.status", (e) => e.device?.id === dev.id && e.device.online === true, 5000);
  const mark = con.lastN();
  await s.close(); // DISCONNECT: aedes drops the Last Will, the broker says offline for it
  sims.splice(sims.indexOf(s), 1);
  const offline = await event(con, "device.status", (e) => e.n > mark && e.device?.id === dev.id, 5000);
  expect(offline.device).toMatchObject({ id: dev.id, online: false });
  const raised = await event(con, "fault.raised", (e) => e.fault?.deviceId === dev.id, 10_000);
  expect(raised.fault).toMatchObject({ type: "offline", clearedAt: null });
  expect(raised.ts - offline.ts).toBeGreaterThanOrEqual(WINDOW_S * 1000);
  // one offline status, not two: the broker's stands in for the will the DISCONNECT dropped
  const statuses = con.frames.filter((f): f is ConsoleEvent => "ts" in f && f.n > mark && f.type === "device.status" && f.device?.id === dev.id);
  expect(statuses).toHaveLength(1);
});

it("a device with a Last Will whose link dies is put offline once: the broker adds no status of its own", async () => {
  sys = await startTestSystem();
  const { home, dev, con } = await watchedDevice(sys, 3600);
  const s = await sim(sys.mqttUrl, dev);
  await event(con, "device.status", (e) => e.device?.id === dev.id && e.device.online === true, 5000);
  const mark = con.lastN();
  await s.kill();
  sims.splice(sims.indexOf(s), 1);
  await event(con, "device.status", (e) => e.n > mark && e.device?.id === dev.id && e.device.online === false, 5000);
  // a later device's status proves the broker's side of the first one's leaving has been read
  const other = await home.device();
  await sim(sys.mqttUrl, other);
  await event(con, "device.status", (e) => e.device?.id === other.id && e.device.online === true, 5000);
  const statuses = con.frames.filter((f): f is ConsoleEvent => "ts" in f && f.n > mark && f.type === "device.status" && f.device?.id === dev.id);
  expect(statuses.map((e) => e.device?.online)).toEqual([false]);
});

it("a link that goes quiet (no PINGREQ, no DISCONNECT) is cut at 1.5 × keepalive: its Last Will puts the device offline on the console", async () => {
  sys = await startTestSystem();
  const { dev, con } = await watchedDevice(sys, 3600);
  const port = Number(new URL(sys.mqttUrl).port);
  // a raw socket: CONNECT with a 2 s keepalive and the Last Will, the status, then nothing at all
  const socket = tcpConnect({ host: "127.0.0.1", port });
  cleanups.push(() => socket.destroy());
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  socket.on("error", () => undefined);
  socket.resume(); // CONNACK and PUBACK are read and dropped: this client answers nothing
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.write(generate({
    cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, keepalive: 2, clientId: dev.id, username: dev.id, password: Buffer.from(dev.secret),
    will: { topic: topics.status(dev.id), payload: Buffer.from(JSON.stringify({ online: false })), qos: 1, retain: true },
  }));
  socket.write(generate({ cmd: "publish", topic: topics.status(dev.id), payload: Buffer.from(JSON.stringify({ online: true, battery: 90 })), qos: 1, messageId: 1, retain: true, dup: false }));
  await event(con, "device.status", (e) => e.device?.id === dev.id && e.device.online === true, 5000);
  // the broker ends the silent link by itself, and its Last Will reaches the console
  const offline = await event(con, "device.status", (e) => e.device?.id === dev.id && e.device.online === false, 10_000);
  await closed;
  expect(offline.device).toMatchObject({ id: dev.id, online: false });
});

it("one `cmd config` per set-top box coming online: its keepalive and the green key's menu together", async () => {
  sys = await startTestSystem();
  const home = await supervisedHome(sys.api, { supervision: { windowS: 30, keepaliveS: 15, smsAfterS: 3600 } });
  const box = await home.device("stb");
  const client = await mqtt.connectAsync(sys.mqttUrl, { clientId: box.id, username: box.id, password: box.secret, reconnectPeriod: 0 });
  cleanups.push(() => client.endAsync());
  const cmds: CmdPayload[] = [];
  client.on("message", (_t, p) => cmds.push(JSON.parse(String(p)) as CmdPayload));
  await client.subscribeAsync(topics.cmd(box.id), { qos: 1 });
  await client.publishAsync(topics.status(box.id), JSON.stringify({ online: true }), { qos: 1, retain: true });
  await waitFor(() => cmds.length > 0, 5000, "the box's config");
  // a self-test answer is not a new connection: no config; its status event proves it was read
  const con = await openConsole(sys.httpUrl);
  consoles.push(con);
  await client.publishAsync(topics.status(box.id), JSON.stringify({ online: true, selftest: "ok" }), { qos: 1, retain: true });
  await event(con, "device.status", (e) => e.device?.id === box.id, 5000);
  expect(cmds).toHaveLength(1);
  expect(cmds[0]).toMatchObject({ type: "config", keepaliveS: 15, categories: expect.arrayContaining([expect.objectContaining({ key: "repairs" })]) });
});

it("after a restart, a device that never reconnects goes offline with its fault one window later; one that reconnects does not", async () => {
  sys = await startTestSystem();
  const home = await supervisedHome(sys.api, { supervision: { windowS: WINDOW_S, smsAfterS: 3600 } });
  const gone = await home.device();
  const back = await home.device();
  const before: SimDevice[] = [];
  for (const d of [gone, back]) {
    before.push(await sim(sys.mqttUrl, d));
    await waitFor(async () => (await sys!.api<{ devices: { id: string; online: boolean }[] }>("GET", "/api/board/devices")).body.devices.find((x) => x.id === d.id && x.online), 5000, "online");
  }
  const dataDir = sys.dataDir;
  // the gateway stops while both are connected: its link closes first, so it last knew them online
  await sys.stop();
  for (const s of before) {
    await s.kill();
    sims.splice(sims.indexOf(s), 1);
  }
  const restartedAt = Date.now();
  sys = await startTestSystem({ dataDir });
  const con = await openConsole(sys.httpUrl);
  consoles.push(con);
  await sim(sys.mqttUrl, back);
  const raised = await event(con, "fault.raised", (e) => e.fault?.deviceId === gone.id, 10_000);
  expect(raised.fault).toMatchObject({ type: "offline" });
  expect(raised.ts).toBeGreaterThanOrEqual(restartedAt + WINDOW_S * 1000);
  const devices = (await sys.api<{ devices: { id: string; online: boolean; health: string }[] }>("GET", "/api/board/devices")).body.devices;
  expect(devices.find((d) => d.id === gone.id)).toMatchObject({ online: false, health: "offline" });
  // the one that came back was due at the same time: its timer had stopped, no fault
  expect(devices.find((d) => d.id === back.id)).toMatchObject({ online: true });
  expect(await faultsOf(sys.api, back.id, "offline")).toEqual([]);
});
