/**
 * Failures at the provider, end to end: transient failures are retried with backoff, and a row
 * waiting out its backoff does not hold back the rows behind it; "too many requests" pauses the
 * whole channel; a row left `sending` is taken back while running; a hang-up or a "say this, then
 * hang up" that fails once is retried like any other row.
 */
import { afterEach, expect, it } from "vitest";
import type { SimDevice } from "@helpkey/firmware-sim/device";
import { createHousehold, type Household } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { metric as readMetric, type Labels } from "../helpers/metrics";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem | undefined;
const devices: SimDevice[] = [];
afterEach(async () => {
  for (const d of devices.splice(0)) await d.close();
  await sys?.close();
  sys = undefined;
});

async function press(home: Household): Promise<number> {
  const device = await connectSim(sys!.mqttUrl, home.device.id, home.device.secret);
  devices.push(device);
  return (await device.waitForAck(device.press({ kind: "emergency" }).seq, "received", 5000)).alertId;
}

type Row = { id: number; alertId: number; toPhone: string; channel: string; purpose: string; status: string; attempts: number; nextAttemptAt: number; lastError: string | null; targetSid: string | null; body: string | null };
const rows = (where: string, ...args: unknown[]) =>
  sys!.ctx.db.$client.prepare(`SELECT id, alert_id AS alertId, to_phone AS toPhone, channel, purpose, status, attempts, next_attempt_at AS nextAttemptAt, last_error AS lastError, target_sid AS targetSid, body FROM notifications WHERE ${where} ORDER BY id`).all(...args) as Row[];

const metric = (name: string, labels: Labels) => readMetric(sys!.httpUrl, name, labels);

it("a text waiting out its backoff after a 5xx does not hold back the next alert's text", async () => {
  sys = await startTestSystem();
  const phone = sys.phone!;
  const a = await createHousehold(sys.api, { contacts: [{ name: "A", phone: "+8613933330001", priority: 1 }] });
  const b = await createHousehold(sys.api, { communityId: a.communityId, contacts: [{ name: "B", phone: "+8613933330002", priority: 1 }] });
  for (const p of ["+8613933330001", "+8613933330002"]) phone.setPerson(p, { never: true });
  phone.failNext(3, { status: 503 }, { request: "sms", to: "+8613933330001" });
  await press(a);
  // A's text has failed twice: it waits out a backoff of 1 to 2 s, at the head of the queue
  const retry = await waitFor(() => rows("channel = 'sms' AND to_phone = ? AND status = 'queued' AND attempts = 2", "+8613933330001")[0], 10_000, "A's text failed twice with 503");
  await press(b);
  // B's text goes out during A's backoff, not with A's next try; A's is sent in the end
  await waitFor(() => phone.messages.length === 2, 15_000, "both texts");
  expect(phone.messages.map((m) => m.to)).toEqual(["+8613933330002", "+8613933330001"]);
  expect(phone.messages[0]!.at).toBeLessThan(retry.nextAttemptAt);
  const done = await waitFor(() => rows("channel = 'sms' AND to_phone = ? AND status IN ('sent', 'delivered')", "+8613933330001")[0], 5000, "A's answer stored");
  expect(done).toMatchObject({ attempts: 4, lastError: null });
}, 30_000);

it("'too many requests' pauses the whole channel: a new alert's text waits for the pause, though first in the queue", async () => {
  sys = await startTestSystem();
  const phone = sys.phone!;
  const a = await createHousehold(sys.api, { contacts: [{ name: "A1", phone: "+8613944440001", priority: 1 }, { name: "A2", phone: "+8613944440002", priority: 2 }] });
  const b = await createHousehold(sys.api, { communityId: a.communityId, contacts: [{ name: "B1", phone: "+8613944440003", priority: 1 }] });
  for (const p of ["+8613944440001", "+8613944440002", "+8613944440003"]) phone.setPerson(p, { never: true });
  phone.failNext(1, { status: 429, code: 20429 }, { request: "sms", to: "+8613944440002" });
  await press(a);
  const refused = await waitFor(() => rows("channel = 'sms' AND to_phone = ? AND last_error LIKE '%20429%'", "+8613944440002")[0], 5000, "A2's text refused with 20429");
  const pauseEnds = refused.nextAttemptAt;
  await press(b);
  await waitFor(() => phone.messages.length === 3, 10_000, "all three texts");
  const at = (to: string) => phone.messages.find((m) => m.to === to)!.at;
  // B1's text is due at once and ahead of A2's in the queue (a first wave), yet it waits for the pause
  expect(at("+8613944440003")).toBeGreaterThanOrEqual(pauseEnds);
  expect(phone.messages.map((m) => m.to)).toEqual(["+8613944440001", "+8613944440003", "+8613944440002"]);
  expect(await metric("hk_outbox_paused_total", { channel: "sms" })).toBe(1);
}, 30_000);

it("a row left `sending` with no request under way is queued again and sent while the gateway runs", async () => {
  sys = await startTestSystem();
  const phone = sys.phone!;
  const a = await createHousehold(sys.api, { contacts: [{ name: "A", phone: "+8613955550001", priority: 1 }] });
  phone.setPerson("+8613955550001", { never: true });
  await press(a);
  const sms = await waitFor(() => rows("channel = 'sms' AND status = 'delivered'")[0], 5000, "the alarm text delivered");
  // as when storing the provider's answer failed for good: the row stays `sending`, long ago
  sys.ctx.db.$client.prepare("UPDATE notifications SET status = 'sending', updated_at = ? WHERE id = ?").run(Date.now() - 10 * 60_000, sms.id);
  await waitFor(() => phone.messages.length === 2, 10_000, "the text sent again");
  expect(phone.messages.map((m) => m.to)).toEqual(["+8613955550001", "+8613955550001"]);
  expect(await metric("hk_outbox_recovered_total", { channel: "sms" })).toBe(1);
  await waitFor(() => rows("id = ?", sms.id)[0]!.status === "delivered", 5000, "the row's delivery stored");
}, 30_000);

it("a hang-up that fails once is retried: the ringing call ends", async () => {
  sys = await startTestSystem();
  const phone = sys.phone!;
  const a = await createHousehold(sys.api, { policy: { ringTimeoutS: 60 }, contacts: [{ name: "A", phone: "+8613966660001", priority: 1 }] });
  phone.setPerson("+8613966660001", { never: true });
  const alertId = await press(a);
  const call = await phone.waitFor(() => phone.calls.find((c) => c.status === "ringing"), 5000);
  await waitFor(() => rows("channel = 'call' AND status = 'ringing'").length === 1, 5000, "the call's row ringing");
  phone.failNext(1, { status: 503 }, { request: "call-update" });
  expect((await sys.api("POST", `/api/alerts/${alertId}/acknowledge`, {})).status).toBe(200);
  await phone.waitFor(() => call.status === "canceled", 10_000);
  await waitFor(() => rows("channel = 'control' AND status = 'sent'").length === 1, 5000, "the hang-up's answer stored");
  expect(rows("channel = 'control'")).toEqual([
    expect.objectContaining({ alertId, purpose: "hangup", targetSid: call.sid, body: null, status: "sent", attempts: 2, lastError: null }),
  ]);
}, 30_000);

it("'say this, then hang up' to an answered call is a row too: retried after a failure, the listener hears it", async () => {
  sys = await startTestSystem();
  const phone = sys.phone!;
  const a = await createHousehold(sys.api, { contacts: [{ name: "A", phone: "+8613977770001", priority: 1 }] });
  phone.setPerson("+8613977770001", { answerAfterS: 0.2 }); // answers, presses nothing
  const alertId = await press(a);
  const call = await phone.waitFor(() => phone.calls.find((c) => c.status === "in-progress"), 5000);
  await waitFor(() => rows("channel = 'call' AND status = 'answered'").length === 1, 5000, "the call's row answered");
  phone.failNext(1, { status: 500 }, { request: "call-update" });
  expect((await sys.api("POST", `/api/alerts/${alertId}/acknowledge`, {})).status).toBe(200);
  await phone.waitFor(() => call.status === "completed", 15_000);
  const control = await waitFor(() => rows("channel = 'control' AND status = 'sent'")[0], 5000, "the redirect's answer stored");
  expect(control).toMatchObject({ purpose: "end-call", targetSid: call.sid, attempts: 2 });
  const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  const said = /<Say[^>]*>([^<]+)<\/Say>/.exec(control.body ?? "")![1]!.replace(/&(\w+);/g, (m, e: string) => entities[e] ?? m);
  expect(call.said.at(-1)).toBe(said);
}, 30_000);
