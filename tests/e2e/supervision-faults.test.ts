/**
 * Technical alerts end to end: a low battery and a failed self-test raise their faults and a later
 * good status clears them; the console's self-test button reaches the device and its result is
 * stored with its time; a fault still open after its delay texts the household's grid workers
 * (each in their language, the time in the community's zone), never calls anyone and never texts
 * the family; acknowledged before the delay, nobody is texted.
 */
import { afterEach, expect, it } from "vitest";
import { createSimDevice as createEmulator, type SimDevice, type SimDeviceOptions } from "@helpkey/firmware-sim/device";
import type { FaultView } from "@helpkey/shared/supervision";
import { createUser } from "../helpers/browser";
import { asUser, login } from "../helpers/district";
import { openConsole } from "../helpers/console-client";
import { faultsOf, supervisedHome } from "../helpers/supervised-home";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem | undefined;
const sims: SimDevice[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0)) await f();
  for (const d of sims.splice(0)) await d.kill();
  await sys?.close();
  sys = undefined;
});

type BoardRow = { id: string; health: string; faults: string[]; selftestOk: boolean | null; selftestAt: number | null; supervisionS: number | null; windowS: number; keepaliveS: number };
const boardRow = async (id: string) => (await sys!.api<{ devices: BoardRow[] }>("GET", "/api/board/devices")).body.devices.find((d) => d.id === id)!;
const openFault = (id: string, type: FaultView["type"]) => waitFor(async () => (await faultsOf(sys!.api, id, type, "open"))[0], 5000, `an open ${type} fault`);

it("a battery below the policy's level is a fault; a later status above it clears it", async () => {
  sys = await startTestSystem();
  const home = await supervisedHome(sys.api, { supervision: { lowBatteryPct: 20, smsAfterS: 3600 } });
  const dev = await home.device();
  const d = await createSimDevice(sys.mqttUrl, dev, { battery: 12 });
  const fault = await openFault(dev.id, "low_battery");
  expect(fault).toMatchObject({ detail: "12%", deviceType: "button", acknowledgedAt: null });
  expect(await boardRow(dev.id)).toMatchObject({ health: "low_battery", faults: ["low_battery"] });
  d.reportBattery(20);
  await waitFor(async () => (await faultsOf(sys!.api, dev.id, "low_battery", "all"))[0]?.clearedAt, 5000, "the fault cleared");
  expect(await boardRow(dev.id)).toMatchObject({ health: "online", faults: [] });

  // a device in maintenance raises none: someone is working on it (its low battery is on the board all the same)
  const serviced = await home.device();
  expect((await sys.api("POST", `/api/devices/${serviced.id}/maintenance`, { on: true })).status).toBe(200);
  await createSimDevice(sys.mqttUrl, serviced, { battery: 5 });
  await waitFor(async () => (await boardRow(serviced.id)).health === "low_battery", 5000, "its status read");
  expect(await faultsOf(sys.api, serviced.id, "low_battery")).toEqual([]);
});

it("the self-test button: the result comes back with its time, a failure is a fault until a later self-test passes", async () => {
  sys = await startTestSystem();
  const home = await supervisedHome(sys.api, { supervision: { smsAfterS: 3600 } });
  const dev = await home.device();
  const d = await createSimDevice(sys.mqttUrl, dev, { selftest: "failed", selftestDetail: "speaker" });
  // the gateway has read its status: a self-test is asked only of a device online
  await waitFor(async () => (await boardRow(dev.id)).health === "online", 5000, "online on the board");
  expect(await boardRow(dev.id)).toMatchObject({ selftestOk: null, selftestAt: null });
  const askedAt = Date.now();
  const r = await sys.api("POST", `/api/devices/${dev.id}/selftest`);
  expect(r.status).toBe(202);
  const fault = await openFault(dev.id, "selftest_failed");
  expect(fault.detail).toBe("speaker");
  const row = await boardRow(dev.id);
  expect(row).toMatchObject({ selftestOk: false, faults: ["selftest_failed"] });
  expect(row.selftestAt).toBeGreaterThanOrEqual(askedAt);

  d.setSelftestResult("ok");
  expect((await sys.api("POST", `/api/devices/${dev.id}/selftest`)).status).toBe(202);
  await waitFor(async () => (await boardRow(dev.id)).selftestOk === true, 5000, "the passing self-test");
  expect((await faultsOf(sys.api, dev.id, "selftest_failed", "all"))[0]!.clearedAt).toEqual(expect.any(Number));

  // an offline device cannot be asked; another community's dispatcher does not see the device at all
  await d.kill();
  await waitFor(async () => !(await boardRow(dev.id)).health.startsWith("online"), 5000, "offline");
  expect((await sys.api("POST", `/api/devices/${dev.id}/selftest`)).body).toMatchObject({ error: { code: "HK_CONFLICT" } });
  const otherCommunity = (await sys.api<{ id: number }>("POST", "/api/communities", { name: "Elsewhere", language: "en" })).body.id;
  const stranger = asUser(sys, await login(sys, await createUser(sys.api, { name: "Dispatcher Elsewhere", communityIds: [otherCommunity] })));
  expect((await stranger("POST", `/api/devices/${dev.id}/selftest`)).status).toBe(404);
  expect((await stranger<FaultView[]>("GET", "/api/faults?state=all")).body).toEqual([]);
});

it("still open after its delay: the grid workers are texted in their language, nobody is called, the family is not texted", async () => {
  sys = await startTestSystem();
  const zone = "Asia/Shanghai";
  const home = await supervisedHome(sys.api, {
    timeZone: zone, supervision: { windowS: 1, smsAfterS: 1 },
    workers: [{ name: "Worker Sun", language: "en" }, { name: "网格员孙", language: "zh-CN" }],
  });
  const dev = await home.device();
  const d = await createSimDevice(sys.mqttUrl, dev, {});
  await d.kill();
  const fault = await openFault(dev.id, "offline");
  const phone = sys.phone!;
  const [en, zh] = home.workers;
  const sms = await waitFor(() => {
    const got = phone.messages.filter((m) => m.to === en!.phone || m.to === zh!.phone);
    return got.length === 2 ? got : null;
  }, 10_000, "both workers' texts");
  const at = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(fault.raisedAt);
  expect(sms.find((m) => m.to === en!.phone)!.body).toContain(`help button ${dev.id}`);
  expect(sms.find((m) => m.to === en!.phone)!.body).toContain(`offline since ${at}`);
  expect(sms.find((m) => m.to === zh!.phone)!.body).toContain(`自${at}起离线`);
  // the texts were queued in one transaction with anything else this fault would send: nothing else went
  expect(phone.calls).toHaveLength(0);
  expect(phone.messages.filter((m) => m.to === home.familyPhone)).toHaveLength(0);
  const after = (await faultsOf(sys.api, dev.id, "offline", "open"))[0]!;
  expect(after.smsSentAt).toEqual(expect.any(Number));
  await waitFor(async () => (await faultsOf(sys!.api, dev.id, "offline", "open"))[0]!.texts.every((t) => t.status === "sent" || t.status === "delivered"), 5000, "the texts sent");
});

it("acknowledged before its delay: nobody is texted about it", async () => {
  sys = await startTestSystem();
  const home = await supervisedHome(sys.api, { supervision: { windowS: 1, smsAfterS: 2 } });
  const acked = await home.device();
  const later = await home.device();
  const a = await createSimDevice(sys.mqttUrl, acked, {});
  const b = await createSimDevice(sys.mqttUrl, later, {});
  await a.kill();
  const fault = await openFault(acked.id, "offline");
  const r = await sys.api<FaultView>("POST", `/api/faults/${fault.id}/acknowledge`, { by: "Dispatcher Wu" });
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ acknowledgedBy: "Dispatcher Wu", smsDueAt: null, clearedAt: null });
  expect((await sys.api("POST", `/api/faults/${fault.id}/acknowledge`, {})).body).toMatchObject({ error: { code: "HK_CONFLICT" } });
  // the other device's fault is raised later and texted after the same delay: once its text is out, the first one's was due too
  await b.kill();
  const worker = home.workers[0]!.phone;
  await waitFor(() => sys!.phone!.messages.find((m) => m.to === worker && m.body.includes(later.id)), 10_000, "the later fault's text");
  expect(sys.phone!.messages.filter((m) => m.body.includes(acked.id))).toHaveLength(0);
  expect((await faultsOf(sys.api, acked.id, "offline", "open"))[0]).toMatchObject({ smsSentAt: null, texts: [] });
});

it("a revoked device needs no visit: its open faults clear on the console", async () => {
  sys = await startTestSystem();
  const home = await supervisedHome(sys.api, { supervision: { windowS: 1, lowBatteryPct: 20, smsAfterS: 3600 } });
  const dev = await home.device();
  const d = await createSimDevice(sys.mqttUrl, dev, { battery: 8 });
  await openFault(dev.id, "low_battery");
  await d.kill();
  await openFault(dev.id, "offline");
  const con = await openConsole(sys.httpUrl);
  cleanups.push(() => con.close());
  expect((await sys.api("DELETE", `/api/devices/${dev.id}`)).status).toBe(204);
  const cleared = await waitFor(() => {
    const got = con.frames.filter((f) => f.type === "fault.cleared" && "fault" in f && f.fault?.deviceId === dev.id);
    return got.length === 2 ? got : null;
  }, 5000, "both faults cleared on the console");
  expect(cleared.map((f) => ("fault" in f ? f.fault?.type : null)).sort()).toEqual(["low_battery", "offline"]);
  expect((await sys.api<FaultView[]>("GET", `/api/faults?state=open&deviceId=${dev.id}`)).body).toEqual([]);
  expect((await boardRow(dev.id))?.faults ?? []).toEqual([]);
});

it("a window changed while a device is silent counts from when it went silent: the device's own, then the community's", async () => {
  sys = await startTestSystem();
  const home = await supervisedHome(sys.api, { supervision: { windowS: 3600, smsAfterS: 3600 } });
  const own = await home.device();
  const shared = await home.device();
  for (const dev of [own, shared]) {
    const d = await createSimDevice(sys.mqttUrl, dev, {});
    await d.kill();
    await waitFor(async () => (await boardRow(dev.id)).health === "offline", 5000, "offline on the board");
  }
  // a close watch of 2 s on one: due 2 s after it went silent, not an hour
  expect((await sys.api("PATCH", `/api/devices/${own.id}/supervision`, { supervisionS: 2 })).status).toBe(200);
  const first = await openFault(own.id, "offline");
  expect(await faultsOf(sys.api, shared.id, "offline")).toEqual([]);
  // the community's window shortened: the other one follows it
  expect((await sys.api("PATCH", `/api/communities/${home.communityId}`, { policy: { timeZone: "UTC", quietHours: null, supervision: { windowS: 2, smsAfterS: 3600 } } })).status).toBe(200);
  const second = await openFault(shared.id, "offline");
  expect(second.raisedAt).toBeGreaterThan(first.raisedAt);
});

/** The firmware emulator, connected, with its own battery level and self-test result. */
async function createSimDevice(url: string, dev: { id: string; secret: string }, o: Pick<SimDeviceOptions, "battery" | "selftest" | "selftestDetail">): Promise<SimDevice> {
  const d = createEmulator({ url, id: dev.id, secret: dev.secret, backoffBaseMs: 300, backoffCapMs: 1000, reconnectBaseMs: 100, reconnectJitterMs: 50, ...o });
  sims.push(d);
  await d.waitForConnect(5000);
  return d;
}
