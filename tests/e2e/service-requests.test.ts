/**
 * Service requests (the remote's green key) end to end: texted to the household's grid workers, never
 * called; in the service queue with their category and answer-time target; held during quiet hours;
 * never ahead of an emergency in the outbox.
 */
import { afterEach, expect, it } from "vitest";
import type { AlertView } from "@helpkey/shared";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await sys?.close();
  sys = undefined;
});

const ok = <T>(r: { status: number; body: T }, what: string): T => {
  if (r.status !== 201 && r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

let flat = 0;
/** A household (with its own unit) and its button, in `buildingId`; `contacts` as given. */
async function household(buildingId: number, contacts: { name: string; phone: string; relation: string }[] = []) {
  const api = sys!.api;
  const unitId = ok(await api<{ id: number }>("POST", "/api/units", { buildingId, name: `Unit ${++flat}` }), "unit").id;
  const householdId = ok(await api<{ id: number }>("POST", "/api/households", { unitId, room: `${100 + flat}` }), "household").id;
  ok(await api("POST", "/api/residents", { householdId, name: `Resident ${flat}`, language: "en" }), "resident");
  for (const [i, c] of contacts.entries()) ok(await api("POST", "/api/contacts", { householdId, priority: i + 1, language: "en", ...c }), "contact");
  const dev = ok(await api<{ id: string; secret: string }>("POST", "/api/devices", { householdId, type: "stb" }), "device");
  const device = await connectSim(sys!.mqttUrl, dev.id, dev.secret);
  closers.push(() => device.close());
  const press = async (o: { kind: "service" | "fire" | "emergency"; category?: string }) => {
    const ack = await device.waitForAck(device.press({ trigger: "remote", ...o }).seq, "received", 5000);
    return ack.alertId;
  };
  return { unitId, householdId, press };
}

const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);
/** Quiet hours that are not now (they begin in two hours). */
const notNow = () => ({ quietHours: { from: hhmm(Date.now() + 2 * 3_600_000), to: hhmm(Date.now() + 3 * 3_600_000) } });

async function community(policy: Record<string, unknown> = {}) {
  const api = sys!.api;
  const communityId = ok(await api<{ id: number }>("POST", "/api/communities", { name: "Green Key", language: "en", policy: { timeZone: "UTC", ...policy } }), "community").id;
  const buildingId = ok(await api<{ id: number }>("POST", "/api/buildings", { communityId, name: "Building 1" }), "building").id;
  return { communityId, buildingId };
}

const alertOf = async (id: number) => (await sys!.api<AlertView & { events: { type: string }[] }>("GET", `/api/alerts/${id}`)).body;
const nq = () => sys!.ctx.db.$client.prepare("SELECT channel, to_phone AS toPhone, status, next_attempt_at AS nextAttemptAt FROM notifications WHERE alert_id = ?");

it("a request with a category texts the grid's workers only, calls nobody, and waits in the service queue with its target", async () => {
  sys = await startTestSystem();
  const phone = sys.phone!;
  const { communityId, buildingId } = await community(notNow());
  const home = await household(buildingId, [{ name: "Daughter", phone: "+8613900000201", relation: "daughter" }]);
  const grid = ok(await sys.api<{ id: number }>("POST", "/api/grids", { communityId, name: "Grid A", buildingIds: [buildingId] }), "grid");
  ok(await sys.api("POST", `/api/grids/${grid.id}/workers`, { name: "Worker Li", phone: "+8613900000202", language: "en" }), "worker");

  const before = Date.now();
  const alertId = await home.press({ kind: "service", category: "repairs" });
  await waitFor(() => phone.messages.find((m) => m.to === "+8613900000202"), 5000, "the grid worker's text");
  const rows = nq().all(alertId) as { channel: string; toPhone: string }[];
  // the plan that queued the text is the whole plan: one text, to the worker, and no call
  expect(rows.map((r) => [r.channel, r.toPhone])).toEqual([["sms", "+8613900000202"]]);
  expect(phone.calls).toHaveLength(0);
  expect(phone.messages.find((m) => m.to === "+8613900000202")!.body).toContain("Repairs");
  expect(phone.messages.some((m) => m.to === "+8613900000201")).toBe(false);

  const view = await alertOf(alertId);
  expect(view).toMatchObject({ kind: "service", category: "repairs", state: "open", cascadeDueAt: null });
  expect(view.firstPressAt).toBeGreaterThanOrEqual(before);
  expect(view.answerDueAt).toBe(view.firstPressAt + 600_000);

  // a category routed to its named contact texts that contact instead of the grid
  const put = await sys.api("PUT", `/api/communities/${communityId}/service-categories`, {
    categories: [{ key: "utilities", nameZh: "水电气", nameEn: "Utilities", targetS: 1800, route: "contact", contactName: "Power Co", contactPhone: "+8613900000203" }],
  });
  expect(put.status).toBe(200);
  const other = await household(buildingId);
  const second = await other.press({ kind: "service", category: "utilities" });
  await waitFor(() => phone.messages.find((m) => m.to === "+8613900000203"), 5000, "the named contact's text");
  expect((nq().all(second) as { toPhone: string }[]).map((r) => r.toPhone)).toEqual(["+8613900000203"]);
  expect((await alertOf(second)).answerDueAt).toBe((await alertOf(second)).firstPressAt + 1_800_000);

  // note, claim and done each step through the queue
  expect((await sys.api("POST", `/api/alerts/${alertId}/note`, { note: "plumber booked" })).body).toMatchObject({ note: "plumber booked" });
  expect((await sys.api("POST", `/api/alerts/${alertId}/acknowledge`, {})).body).toMatchObject({ state: "acknowledged" });
  expect((await sys.api("POST", `/api/alerts/${alertId}/resolve`, { outcome: "real", note: "fixed" })).body).toMatchObject({ state: "resolved", note: "fixed" });
  expect((await alertOf(alertId)).events.map((e: { type: string }) => e.type)).toContain("alert.noted");
  expect((await sys.api("POST", `/api/alerts/${alertId}/note`, { note: "" })).status).toBe(400);
});

it("without grid workers the household's grid-worker contacts are texted; an unknown category is kept out", async () => {
  sys = await startTestSystem();
  const phone = sys.phone!;
  const { buildingId } = await community(notNow());
  const home = await household(buildingId, [
    { name: "Son", phone: "+8613900000301", relation: "son" },
    { name: "Grid Wang", phone: "+8613900000302", relation: "grid worker" },
  ]);
  const alertId = await home.press({ kind: "service", category: "no_such_thing" });
  await waitFor(() => phone.messages.find((m) => m.to === "+8613900000302"), 5000, "the fallback text");
  expect((nq().all(alertId) as { toPhone: string }[]).map((r) => r.toPhone)).toEqual(["+8613900000302"]);
  const view = await alertOf(alertId);
  expect(view.category).toBeNull();
  expect(view.answerDueAt).toBe(view.firstPressAt + 600_000);
});

it("quiet hours hold a service text until they end; a fire pressed meanwhile goes out at once", async () => {
  sys = await startTestSystem();
  const phone = sys.phone!;
  const now = Date.now();
  const quietHours = { from: hhmm(now - 3_600_000), to: hhmm(now + 3_600_000) };
  const { communityId, buildingId } = await community({ quietHours });
  const a = await household(buildingId);
  const b = await household(buildingId, [{ name: "Daughter Fire", phone: "+8613900000402", relation: "daughter" }]);
  const grid = ok(await sys.api<{ id: number }>("POST", "/api/grids", { communityId, name: "Grid Q", householdIds: [a.householdId] }), "grid");
  ok(await sys.api("POST", `/api/grids/${grid.id}/workers`, { name: "Worker Night", phone: "+8613900000401", language: "en" }), "worker");

  const service = await a.press({ kind: "service", category: "housekeeping" });
  await waitFor(() => (nq().all(service) as unknown[]).length === 1, 5000, "the service text queued");
  await b.press({ kind: "fire" });
  await waitFor(() => phone.messages.find((m) => m.to === "+8613900000402"), 5000, "the fire's text");
  const [row] = nq().all(service) as { status: string; nextAttemptAt: number }[];
  expect(row!.status).toBe("queued");
  // the end of quiet hours, to the minute
  expect(row!.nextAttemptAt).toBe(Math.floor((now + 3_600_000) / 60_000) * 60_000);
  expect(phone.messages.some((m) => m.to === "+8613900000401")).toBe(false);
});

it("a service text queued before a fire's goes after it", async () => {
  sys = await startTestSystem();
  const phone = sys.phone!;
  const { communityId, buildingId } = await community(notNow());
  const a = await household(buildingId);
  const b = await household(buildingId, [{ name: "Daughter Fire", phone: "+8613900000502", relation: "daughter" }]);
  const grid = ok(await sys.api<{ id: number }>("POST", "/api/grids", { communityId, name: "Grid F", householdIds: [a.householdId] }), "grid");
  ok(await sys.api("POST", `/api/grids/${grid.id}/workers`, { name: "Worker Day", phone: "+8613900000501", language: "en" }), "worker");
  // the provider is congested: the service text is refused and the channel pauses while the fire is pressed
  phone.failNext(1, { status: 429, code: 20429 }, { request: "sms" });
  const service = await a.press({ kind: "service", category: "repairs" });
  const refused = sys.ctx.db.$client.prepare("SELECT count(*) AS n FROM notifications WHERE alert_id = ? AND last_error LIKE '%20429%'");
  await waitFor(() => (refused.get(service) as { n: number }).n === 1, 5000, "the service text refused");
  await b.press({ kind: "fire" });
  await waitFor(() => phone.messages.length >= 2, 15_000, "both texts");
  expect(phone.messages.map((m) => m.to)).toEqual(["+8613900000502", "+8613900000501"]);
}, 30_000);
