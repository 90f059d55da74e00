/**
 * The send queue's order, end to end: the most urgent alarms first, escalations never behind the
 * queue. A fire pressed last is texted and called before the emergencies and service requests
 * queued before it; the supervisor's call leaves at its time while other alerts' calls wait.
 */
import { afterEach, expect, it } from "vitest";
import type { AlarmKind } from "@helpkey/shared";
import { createHousehold, type Household } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await sys?.close();
  sys = undefined;
});

/** Connects the household's button; pressing it waits until the alarm is stored. */
async function button(home: Household): Promise<(kind: AlarmKind) => Promise<number>> {
  const device = await connectSim(sys!.mqttUrl, home.device.id, home.device.secret);
  closers.push(() => device.close());
  return async (kind) => (await device.waitForAck(device.press({ kind }).seq, "received", 5000)).alertId;
}

it("a fire pressed last is texted and called before the emergencies and service requests queued before it", async () => {
  sys = await startTestSystem();
  const phone = sys.phone!;
  // no quiet hours: the service texts go out whatever the hour of the run
  const { communityId } = await createHousehold(sys.api, { policy: { quietHours: null }, contacts: [{ name: "first", phone: "+8613900000100", priority: 1 }] });
  const homes: { kind: AlarmKind; phone: string; home: Household }[] = [];
  const kinds: AlarmKind[] = ["emergency", "emergency", "emergency", "emergency", "service", "service", "service", "fire"];
  for (const [i, kind] of kinds.entries()) {
    const p = `+86139000001${String(i).padStart(2, "0")}`;
    // a service request texts the grid worker only
    homes.push({ kind, phone: p, home: await createHousehold(sys.api, { communityId, contacts: [{ name: `${kind} ${i}`, phone: p, priority: 1, relation: "grid worker" }] }) });
    phone.setPerson(p, { never: true });
  }
  const buttons = await Promise.all(homes.map((h) => button(h.home)));
  // The provider is congested: the first emergency's text and call are refused, and each channel
  // pauses (then probes one request at a time) while the other alarms are queued behind them.
  phone.failNext(3, { status: 429, code: 20429 }, { request: "sms" });
  phone.failNext(3, { status: 429, code: 20429 }, { request: "call" });
  const first = await buttons[0]!(homes[0]!.kind);
  const refused = sys.ctx.db.$client.prepare("SELECT count(*) AS n FROM notifications WHERE alert_id = ? AND last_error LIKE '%20429%'");
  await waitFor(() => (refused.get(first) as { n: number }).n === 2, 10_000, "the first alarm's text and call refused with 20429");
  for (const [i, h] of homes.entries()) if (i > 0) await buttons[i]!(h.kind);

  await waitFor(() => phone.messages.length >= 8 && phone.calls.length >= 5, 20_000, "every alarm text and first call");
  const kindOf = (to: string) => homes.find((h) => h.phone === to)!.kind;
  expect(phone.messages.map((m) => kindOf(m.to))).toEqual(["fire", "emergency", "emergency", "emergency", "emergency", "service", "service", "service"]);
  expect(phone.calls.map((c) => kindOf(c.to))).toEqual(["fire", "emergency", "emergency", "emergency", "emergency"]);
  // within a priority, the oldest first
  const emergencies = homes.filter((h) => h.kind === "emergency").map((h) => h.phone);
  expect(phone.calls.filter((c) => kindOf(c.to) === "emergency").map((c) => c.to)).toEqual(emergencies);
}, 40_000);

it("the supervisor's call leaves at its due time while other alerts' calls wait in the queue", async () => {
  // one call a second: five alerts' first calls make a queue of about five seconds
  sys = await startTestSystem({ rates: { smsPerSecond: 50, callsPerSecond: 1, maxInFlight: 20 } });
  const phone = sys.phone!;
  const queue = await createHousehold(sys.api, { contacts: [{ name: "Q0", phone: "+8613911110000", priority: 1 }] });
  const others = [queue];
  for (let i = 1; i < 5; i++) others.push(await createHousehold(sys.api, { communityId: queue.communityId, contacts: [{ name: `Q${i}`, phone: `+861391111000${i}`, priority: 1 }] }));
  const supervisor = "+8613922229999";
  const x = await createHousehold(sys.api, { policy: { supervisorAfterS: 1 }, supervisorPhone: supervisor, contacts: [{ name: "X", phone: "+8613922220001", priority: 1 }] });
  for (const p of ["+8613911110000", "+8613911110001", "+8613911110002", "+8613911110003", "+8613911110004", "+8613922220001", supervisor]) phone.setPerson(p, { never: true });

  const presses = await Promise.all([...others, x].map(button));
  for (const p of presses.slice(0, -1)) await p("emergency");
  const alertId = await presses.at(-1)!("emergency");

  // X's own first call waits behind the five; its supervisor, due a second after the press, does not
  await waitFor(() => phone.calls.some((c) => c.to === "+8613922220001"), 20_000, "X's first call");
  const order = phone.calls.map((c) => c.to);
  expect(order).toContain(supervisor);
  expect(order.indexOf(supervisor)).toBeLessThan(order.indexOf("+8613922220001"));
  // ...and ahead of calls queued before it: some of the other alerts' calls went out after it
  const rows = sys.ctx.db.$client.prepare("SELECT to_phone AS phone, created_at AS at, purpose FROM notifications WHERE channel = 'call'").all() as { phone: string; at: number; purpose: string }[];
  const supRow = rows.find((r) => r.purpose === "supervisor")!;
  const queuedBefore = rows.filter((r) => r.purpose === "call" && r.at < supRow.at).map((r) => r.phone);
  expect(queuedBefore.some((p) => order.indexOf(p) > order.indexOf(supervisor))).toBe(true);
  expect((await sys.api("GET", `/api/alerts/${alertId}`)).body.state).toBe("open");
}, 40_000);
