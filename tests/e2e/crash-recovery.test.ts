/**
 * The gateway is killed (SIGKILL) with 50 notifications due; after a restart on the same
 * data dir every one of them is sent. At-least-once: a row in flight at the kill may go out twice.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { createPhoneNetwork, type PhoneNetwork } from "@helpkey/firmware-sim/phone-network";
import { EMULATOR_ACCOUNT_SID } from "@helpkey/gateway/notify/phone-setup";
import { connectSim } from "../helpers/device";
import { spawnGateway, type GatewayProcess } from "../helpers/process";
import { makeApi, testEnv, waitFor } from "../helpers/system";

const dataDir = mkdtempSync(path.join(tmpdir(), "hk-crash-"));
let phone: PhoneNetwork | undefined;
const gateways: GatewayProcess[] = [];
afterEach(async () => {
  for (const g of gateways) await g.kill("SIGKILL");
  await phone?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it("sends every due notification after a SIGKILL and restart", async () => {
  phone = await createPhoneNetwork({ accountSid: EMULATOR_ACCOUNT_SID, authToken: "crash-test-token", defaultPerson: { never: true } });
  const env = testEnv(dataDir, { HK_TWILIO_API_URL: phone.url, TWILIO_AUTH_TOKEN: "crash-test-token", HK_SMS_PER_S: "5", HK_CALLS_PER_S: "5" });
  const first = await spawnGateway(env);
  gateways.push(first);
  const api = makeApi(first.http);
  const c = (await api("POST", "/api/communities", { name: "Crash", language: "en" })).body;
  const b = (await api("POST", "/api/buildings", { communityId: c.id, name: "B" })).body;
  const u = (await api("POST", "/api/units", { buildingId: b.id, name: "U" })).body;
  const h = (await api("POST", "/api/households", { unitId: u.id, room: "1" })).body;
  const phones = Array.from({ length: 50 }, (_, i) => `+86139000${String(i).padStart(5, "0")}`);
  for (const [i, p] of phones.entries()) {
    expect((await api("POST", "/api/contacts", { householdId: h.id, name: `C${i}`, phone: p, relation: "family", priority: 1 + (i % 5), language: "en" })).status).toBe(201);
  }
  const dev = (await api("POST", "/api/devices", { householdId: h.id, type: "button" })).body;
  const device = await connectSim(first.mqtt, dev.id, dev.secret);
  await device.waitForAck(device.press().seq, "received", 5000);
  await device.close();
  await waitFor(() => phone!.messages.length >= 3, 5000, "the first SMS");
  await first.kill("SIGKILL");
  const beforeRestart = phone.messages.length;
  expect(beforeRestart).toBeLessThan(50);

  const second = await spawnGateway(env);
  gateways.push(second);
  await waitFor(() => new Set(phone!.messages.map((m) => m.to)).size === 50, 30_000, "all 50 SMS after the restart");
  const perNumber = new Map<string, number>();
  for (const m of phone.messages) perNumber.set(m.to, (perNumber.get(m.to) ?? 0) + 1);
  const duplicates = [...perNumber.values()].reduce((s, n) => s + n - 1, 0);
  // Only rows that were in flight at the kill may be sent twice (at most the in-flight limit).
  expect(duplicates).toBeLessThanOrEqual(10);
  // The first wave's calls went out too.
  await waitFor(() => phone!.calls.length >= 10, 10_000, "wave-1 calls");
  expect(new Set(phone.calls.map((x) => x.to))).toEqual(new Set(phones.filter((_, i) => i % 5 === 0)));
}, 60_000);
