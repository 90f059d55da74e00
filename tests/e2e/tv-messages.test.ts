/**
 * TV messages end to end: a household's message reaches that household's set-top box and no other;
 * a building's message every box of the building; the box's `event shown` / `dismissed` move the
 * message on; bad events are rejected and counted. The boxes are raw MQTT clients logged in as devices.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import mqtt from "mqtt";
import { topics, type CmdPayload, type TvMessageView } from "@helpkey/shared";
import { sampleOf } from "../helpers/metrics";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem;
const clients: MqttClient[] = [];
beforeAll(async () => {
  sys = await startTestSystem();
}, 30_000);
afterAll(async () => {
  for (const c of clients) await c.endAsync();
  await sys?.close();
});

const ok = <T>(r: { status: number; body: T }, what: string): T => {
  if (r.status !== 201) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

interface Box {
  id: string;
  householdId: number;
  client: MqttClient;
  cmds: CmdPayload[];
}

/** A household with a set-top box online (subscribed to its cmd topic). */
async function flat(buildingId: number, room: string): Promise<Box> {
  const unitId = ok(await sys.api<{ id: number }>("POST", "/api/units", { buildingId, name: `Unit ${room}` }), "unit").id;
  const householdId = ok(await sys.api<{ id: number }>("POST", "/api/households", { unitId, room }), "household").id;
  const dev = ok(await sys.api<{ id: string; secret: string }>("POST", "/api/devices", { householdId, type: "stb" }), "device");
  const client = await mqtt.connectAsync(sys.mqttUrl, { clientId: dev.id, username: dev.id, password: dev.secret, reconnectPeriod: 0 });
  clients.push(client);
  const cmds: CmdPayload[] = [];
  client.on("message", (_t, p) => cmds.push(JSON.parse(String(p)) as CmdPayload));
  await client.subscribeAsync(topics.cmd(dev.id), { qos: 1 });
  return { id: dev.id, householdId, client, cmds };
}

const display = (b: Box) => b.cmds.filter((c): c is Extract<CmdPayload, { type: "display" }> => c.type === "display");
const messagesOf = async (householdId: number) => (await sys.api<TvMessageView[]>("GET", `/api/tv-messages?householdId=${householdId}`)).body;

it("a household's message reaches its box and no other; shown and dismissed come back", async () => {
  const communityId = ok(await sys.api<{ id: number }>("POST", "/api/communities", { name: "TV", language: "en" }), "community").id;
  const buildingId = ok(await sys.api<{ id: number }>("POST", "/api/buildings", { communityId, name: "B1" }), "building").id;
  const a = await flat(buildingId, "101");
  const b = await flat(buildingId, "102");

  const sent = ok(await sys.api<{ messages: TvMessageView[] }>("POST", `/api/households/${a.householdId}/tv-messages`, { text: "Water off 10-12 today" }), "message");
  expect(sent.messages).toHaveLength(1);
  const msg = sent.messages[0]!;
  expect(msg).toMatchObject({ householdId: a.householdId, deviceId: a.id, text: "Water off 10-12 today", by: "admin", status: "sent", shownAt: null });
  await waitFor(() => display(a).length === 1, 5000, "a's display command");
  expect(display(a)[0]).toMatchObject({ type: "display", text: "Water off 10-12 today", msgId: msg.id });

  // b is sent one later: once it has that, the first one has had its chance to reach b too
  ok(await sys.api("POST", `/api/households/${b.householdId}/tv-messages`, { text: "For b" }), "message b");
  await waitFor(() => display(b).length === 1, 5000, "b's display command");
  expect(display(b).map((c) => c.text)).toEqual(["For b"]);
  expect(display(a).map((c) => c.text)).toEqual(["Water off 10-12 today"]);

  // b reports a's message dismissed: not its own, nothing changes (else a's "shown" below would be a step back); a's own report does
  await b.client.publishAsync(topics.event(b.id), JSON.stringify({ type: "dismissed", msgId: msg.id }), { qos: 1 });
  await a.client.publishAsync(topics.event(a.id), JSON.stringify({ type: "shown", msgId: msg.id }), { qos: 1 });
  const shown = await waitFor(async () => (await messagesOf(a.householdId)).find((m) => m.status === "shown"), 5000, "shown");
  expect(shown.shownAt).toEqual(expect.any(Number));
  await a.client.publishAsync(topics.event(a.id), JSON.stringify({ type: "dismissed", msgId: msg.id }), { qos: 1 });
  const dismissed = await waitFor(async () => (await messagesOf(a.householdId)).find((m) => m.status === "dismissed"), 5000, "dismissed");
  expect(dismissed.shownAt).toBe(shown.shownAt);

  // audited: the event log names who sent it
  const audit = sys.ctx.db.$client.prepare("SELECT actor, json_extract(data, '$.message.status') AS status FROM events WHERE type = 'tv_message.updated' AND json_extract(data, '$.message.id') = ? ORDER BY id").all(msg.id);
  expect(audit).toEqual([{ actor: "admin", status: "sent" }, { actor: null, status: "shown" }, { actor: null, status: "dismissed" }]);

  // a household without a box: recorded as going nowhere
  const unitId = ok(await sys.api<{ id: number }>("POST", "/api/units", { buildingId, name: "Unit none" }), "unit").id;
  const bare = ok(await sys.api<{ id: number }>("POST", "/api/households", { unitId, room: "103" }), "household").id;
  const none = ok(await sys.api<{ messages: TvMessageView[] }>("POST", `/api/households/${bare}/tv-messages`, { text: "Hello" }), "message none");
  expect(none.messages).toMatchObject([{ householdId: bare, deviceId: null, status: "no_device" }]);
  expect((await sys.api("POST", `/api/households/${bare}/tv-messages`, { text: "" })).status).toBe(400);
  expect((await sys.api("POST", `/api/households/${bare}/tv-messages`, { text: "x".repeat(201) })).status).toBe(400);
});

it("a building's message reaches every box of the building and none of the next building", async () => {
  const communityId = ok(await sys.api<{ id: number }>("POST", "/api/communities", { name: "TV 2", language: "en" }), "community").id;
  const b1 = ok(await sys.api<{ id: number }>("POST", "/api/buildings", { communityId, name: "B1" }), "building").id;
  const b2 = ok(await sys.api<{ id: number }>("POST", "/api/buildings", { communityId, name: "B2" }), "building").id;
  const inside = [await flat(b1, "201"), await flat(b1, "202")];
  const next = await flat(b2, "301");

  const sent = ok(await sys.api<{ messages: TvMessageView[] }>("POST", `/api/buildings/${b1}/tv-messages`, { text: "Lift maintenance tomorrow" }), "building message");
  expect(sent.messages.map((m) => m.deviceId).sort()).toEqual(inside.map((b) => b.id).sort());
  for (const box of inside) await waitFor(() => display(box).length === 1, 5000, `display on ${box.id}`);
  ok(await sys.api("POST", `/api/buildings/${b2}/tv-messages`, { text: "For B2" }), "b2 message");
  await waitFor(() => display(next).length === 1, 5000, "b2's display");
  expect(display(next).map((c) => c.text)).toEqual(["For B2"]);
  for (const box of inside) expect(display(box).map((c) => c.text)).toEqual(["Lift maintenance tomorrow"]);
  const listed = (await sys.api<TvMessageView[]>("GET", `/api/tv-messages?buildingId=${b1}`)).body;
  expect(listed.map((m) => m.deviceId).sort()).toEqual(inside.map((b) => b.id).sort());
});

it("a bad event is rejected and counted; the box stays connected and its next event counts", async () => {
  const communityId = ok(await sys.api<{ id: number }>("POST", "/api/communities", { name: "TV 3", language: "en" }), "community").id;
  const buildingId = ok(await sys.api<{ id: number }>("POST", "/api/buildings", { communityId, name: "B1" }), "building").id;
  const box = await flat(buildingId, "401");
  const scrape = async () => (await fetch(`${sys.httpUrl}/metrics`)).text();
  const before = sampleOf(await scrape(), "hk_ingest_rejected_total", { code: "HK_MQTT_SCHEMA" });
  await box.client.publishAsync(topics.event(box.id), JSON.stringify({ type: "shown", msgId: "one" }), { qos: 1 });
  const sent = ok(await sys.api<{ messages: TvMessageView[] }>("POST", `/api/households/${box.householdId}/tv-messages`, { text: "Hi" }), "message");
  await waitFor(() => display(box).length === 1, 5000, "display");
  await box.client.publishAsync(topics.event(box.id), JSON.stringify({ type: "shown", msgId: sent.messages[0]!.id }), { qos: 1 });
  await waitFor(async () => (await messagesOf(box.householdId))[0]?.status === "shown", 5000, "shown after the bad event");
  expect(sampleOf(await scrape(), "hk_ingest_rejected_total", { code: "HK_MQTT_SCHEMA" })).toBe(before + 1);
});
