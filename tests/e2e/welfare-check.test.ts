/**
 * Welfare checks end to end, with a span of seconds (policy welfare.spanH) and every hour a waking
 * hour: a household that lives alone and shows no sign of life gets exactly one check (a service
 * alert "welfare_check", texted to the grid worker and, when included, the family); activity from
 * its set-top box before the deadline holds the check off; resolving it starts the watch again.
 */
import { afterEach, expect, it } from "vitest";
import mqtt, { type MqttClient } from "mqtt";
import { topics, type AlertView } from "@helpkey/shared";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem | undefined;
const clients: MqttClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.endAsync();
  await sys?.close();
  sys = undefined;
});

const ok = <T>(r: { status: number; body: T }, what: string): T => {
  if (r.status !== 201 && r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

const SPAN_MS = 2000;

/** A community whose welfare span is SPAN_MS of every hour; a household living alone with a box, a grid worker and a daughter. */
async function setUp(o: { includeFamily?: boolean; spanMs?: number } = {}) {
  const api = sys!.api;
  const policy = { timeZone: "UTC", welfare: { spanH: (o.spanMs ?? SPAN_MS) / 3_600_000, wakingHours: { from: "00:00", to: "00:00" } }, quietHours: { from: "03:00", to: "03:00" } };
  const communityId = ok(await api<{ id: number }>("POST", "/api/communities", { name: "Alone", language: "en", policy }), "community").id;
  const buildingId = ok(await api<{ id: number }>("POST", "/api/buildings", { communityId, name: "B1" }), "building").id;
  const unitId = ok(await api<{ id: number }>("POST", "/api/units", { buildingId, name: "U1" }), "unit").id;
  const householdId = ok(await api<{ id: number }>("POST", "/api/households", { unitId, room: "101" }), "household").id;
  ok(await api("POST", "/api/residents", { householdId, name: "Grandma Zhou", language: "en" }), "resident");
  ok(await api("POST", "/api/contacts", { householdId, name: "Daughter", phone: "+8613900000702", relation: "daughter", priority: 1, language: "en" }), "contact");
  const grid = ok(await api<{ id: number }>("POST", "/api/grids", { communityId, name: "G", householdIds: [householdId] }), "grid");
  ok(await api("POST", `/api/grids/${grid.id}/workers`, { name: "Worker Sun", phone: "+8613900000701", language: "en" }), "worker");
  const dev = ok(await api<{ id: string; secret: string }>("POST", "/api/devices", { householdId, type: "stb" }), "device");
  const box = await mqtt.connectAsync(sys!.mqttUrl, { clientId: dev.id, username: dev.id, password: dev.secret, reconnectPeriod: 0 });
  clients.push(box);
  const activity = () => box.publishAsync(topics.event(dev.id), JSON.stringify({ type: "activity", ts: Date.now(), source: "tv" }), { qos: 1 });
  return { communityId, householdId, activity, watch: () => api("PATCH", `/api/households/${householdId}`, { livesAlone: true, ...(o.includeFamily ? { welfareIncludeFamily: true } : {}) }) };
}

const checksOf = async (householdId: number) =>
  (await sys!.api<AlertView[]>("GET", "/api/alerts")).body.filter((a) => a.householdId === householdId && a.category === "welfare_check");

it("no sign of life for the span: exactly one welfare check, texted to the grid worker and the family; resolving it starts the watch again", async () => {
  sys = await startTestSystem();
  const phone = sys.phone!;
  const home = await setUp({ includeFamily: true });
  const armedAt = Date.now();
  expect((await home.watch()).status).toBe(200);

  const [check] = await waitFor(async () => { const c = await checksOf(home.householdId); return c.length ? c : null; }, 10_000, "the welfare check");
  expect(check).toMatchObject({ kind: "service", category: "welfare_check", state: "open" });
  expect(check!.firstPressAt).toBeGreaterThanOrEqual(armedAt + SPAN_MS);
  expect(check!.answerDueAt).toBe(check!.firstPressAt + 600_000);
  await waitFor(() => phone.messages.find((m) => m.to === "+8613900000701"), 5000, "the grid worker's text");
  await waitFor(() => phone.messages.find((m) => m.to === "+8613900000702"), 5000, "the family's text");
  expect(phone.messages.find((m) => m.to === "+8613900000701")!.body).toContain("Welfare check");
  expect(phone.calls).toHaveLength(0);
  // the lapse has had its check: no timer runs until a sign of life or the resolve
  const due = sys.ctx.db.$client.prepare("SELECT welfare_due_at AS d FROM households WHERE id = ?");
  expect((due.get(home.householdId) as { d: number | null }).d).toBeNull();

  // claim, then done (the service queue's two steps)
  expect((await sys.api("POST", `/api/alerts/${check!.id}/acknowledge`, {})).status).toBe(200);
  const resolvedAt = Date.now();
  expect((await sys.api("POST", `/api/alerts/${check!.id}/resolve`, { outcome: "real", note: "visited, all well" })).status).toBe(200);
  // the next lapse raises the next check: by then there are exactly two, the first one still resolved
  const two = await waitFor(async () => { const c = await checksOf(home.householdId); return c.length === 2 ? c : null; }, 10_000, "the next lapse's check");
  expect(two.map((c) => c.state).sort()).toEqual(["open", "resolved"]);
  expect(Math.max(...two.map((c) => c.firstPressAt))).toBeGreaterThanOrEqual(resolvedAt + SPAN_MS);
});

it("activity from the box before the deadline holds the check off; the check comes a span after the last sign of life", async () => {
  sys = await startTestSystem();
  const home = await setUp();
  expect((await home.watch()).status).toBe(200);
  const armedAt = Date.now();
  // signs of life every half span, for twice the span
  let last = 0;
  while (Date.now() < armedAt + 2 * SPAN_MS) {
    last = Date.now();
    await home.activity();
    await new Promise((r) => setTimeout(r, SPAN_MS / 4));
  }
  const [check] = await waitFor(async () => { const c = await checksOf(home.householdId); return c.length ? c : null; }, 10_000, "the welfare check");
  // had the activity been ignored, the check would have come a span after armedAt, before the last sign of life
  expect(check!.firstPressAt).toBeGreaterThanOrEqual(last + SPAN_MS);
  expect(await checksOf(home.householdId)).toHaveLength(1);
});

it("a check that fell due while the gateway was down is raised once after the restart", async () => {
  sys = await startTestSystem();
  const home = await setUp();
  expect((await home.watch()).status).toBe(200);
  const armedAt = Date.now();
  const dataDir = sys.dataDir;
  await sys.stop();
  // down past the deadline (the durable timer, not a sleep standing in for an event)
  while (Date.now() < armedAt + SPAN_MS + 200) await new Promise((r) => setTimeout(r, 100));
  sys = await startTestSystem({ dataDir });
  const [check] = await waitFor(async () => { const c = await checksOf(home.householdId); return c.length ? c : null; }, 10_000, "the welfare check after the restart");
  expect(check!.firstPressAt).toBeGreaterThanOrEqual(armedAt + SPAN_MS);
  await waitFor(() => sys!.phone!.messages.find((m) => m.to === "+8613900000701"), 5000, "the grid worker's text");
  expect(await checksOf(home.householdId)).toHaveLength(1);
});

it("a shorter span set by the community re-times the watches already running", async () => {
  sys = await startTestSystem();
  const home = await setUp({ spanMs: 3_600_000 });
  expect((await home.watch()).status).toBe(200);
  const due = () => (sys!.ctx.db.$client.prepare("SELECT welfare_due_at AS d FROM households WHERE id = ?").get(home.householdId) as { d: number | null }).d;
  expect(due()! - Date.now()).toBeGreaterThan(3_000_000);
  const changedAt = Date.now();
  const policy = { timeZone: "UTC", welfare: { spanH: SPAN_MS / 3_600_000, wakingHours: { from: "00:00", to: "00:00" } }, quietHours: { from: "03:00", to: "03:00" } };
  expect((await sys.api("PATCH", `/api/communities/${home.communityId}`, { policy })).status).toBe(200);
  const [check] = await waitFor(async () => { const c = await checksOf(home.householdId); return c.length ? c : null; }, 10_000, "the check on the shorter span");
  // no sign of life came since the watch began: timed from the change, with the new span
  expect(check!.firstPressAt).toBeLessThan(changedAt + SPAN_MS + 5_000);
});
