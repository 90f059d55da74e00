/**
 * 10,000 MQTT inputs, one connection each, 200 at a time from 20 source addresses
 * (tests/helpers/mqtt-fuzz.ts: random bytes; every packet type with fuzzed fields; truncated,
 * wrong-length, flipped and stacked packets; 4 in 10 after a good login of one of 300 fuzz devices). Meanwhile
 * a well-behaved device presses every 200 ms and every press is acked. After: the broker thread is
 * the one that started, the gateway is healthy, no alert, press, device or household was added and
 * the registry is unchanged, the bad input was counted, and the device is still acked.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { BrokerThread } from "@helpkey/broker";
import type { SimDevice } from "@helpkey/firmware-sim/device";
import { createHousehold, type Household } from "../helpers/community";
import { testConfig } from "../helpers/config";
import { connectSim } from "../helpers/device";
import { metric } from "../helpers/metrics";
import { mqttInputs, runInputs, type FuzzDevice } from "../helpers/mqtt-fuzz";
import { fingerprint } from "../helpers/store-fingerprint";
import { startTestSystem, type TestSystem } from "../helpers/system";

const INPUTS = 10_000;
/** Each logs in a few times a second at most (the broker's login budget per device id): enough of them that most logged-in inputs get in. */
const FUZZ_DEVICES = 300;
const SOURCES = Array.from({ length: 20 }, (_, i) => `127.0.1.${i + 1}`);

let sys: TestSystem;
let home: Household;
const fuzzDevices: FuzzDevice[] = [];
let good: SimDevice | undefined;

beforeAll(async () => {
  sys = await startTestSystem();
  home = await createHousehold(sys.api, { contacts: [{ name: "Daughter", phone: "+8613800001001", priority: 1 }] });
  const target = await createHousehold(sys.api, { contacts: [{ name: "Son", phone: "+8613800002001", priority: 1 }] });
  fuzzDevices.push({ id: target.device.id, secret: target.device.secret });
  while (fuzzDevices.length < FUZZ_DEVICES) {
    const r = await sys.api<{ id: string; secret: string }>("POST", "/api/devices", { householdId: target.householdId, type: "button" });
    fuzzDevices.push({ id: r.body.id, secret: r.body.secret });
  }
});
afterAll(async () => {
  await good?.close();
  await sys?.close();
});

it("survives 10,000 fuzzed MQTT inputs with its store unchanged, acking a good device throughout", async () => {
  const db = sys.ctx.db.$client;
  const except = { householdIds: [home.householdId] };
  const before = fingerprint(db, except);
  const thread = (sys.broker as BrokerThread).worker.threadId;
  const refusalsBefore = await metric(sys.httpUrl, "hk_mqtt_refusals_total", { reason: "HK_MQTT_MALFORMED" });
  const rejected = async () => (await metric(sys.httpUrl, "hk_ingest_rejected_total", { code: "HK_MQTT_BAD_JSON" })) + (await metric(sys.httpUrl, "hk_ingest_rejected_total", { code: "HK_MQTT_SCHEMA" }));
  const rejectedBefore = await rejected();
  const inputs = mqttInputs(INPUTS, testConfig.fuzzSeed, fuzzDevices);
  const kinds = new Set(inputs.map((i) => i.kind.replace(/ \(logged in\)$/, "").split(" ")[0]));

  good = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  const device = good;
  const t0 = performance.now();
  let fuzzing = true;
  const run = runInputs(Number(new URL(sys.mqttUrl).port), inputs, { concurrency: 200, sources: SOURCES }).finally(() => (fuzzing = false));
  const acksDuring: number[] = [];
  while (fuzzing) {
    const sent = performance.now();
    await device.waitForAck(device.press().seq, "received", 10_000);
    acksDuring.push(performance.now() - sent);
    await new Promise((r) => setTimeout(r, 200));
  }
  const outcomes = await run;
  const seconds = (performance.now() - t0) / 1000;

  // the barrier: a press after the last input is stored and acked, so every input had its turn
  const last = await device.waitForAck(device.press().seq, "received", 10_000);
  expect(last.state).toBe("received");
  const after = fingerprint(db, except);
  const malformed = (await metric(sys.httpUrl, "hk_mqtt_refusals_total", { reason: "HK_MQTT_MALFORMED" })) - refusalsBefore;
  const refusedByIngest = (await rejected()) - rejectedBefore;
  const sorted = [...acksDuring].sort((a, b) => a - b);
  console.log(
    `mqtt fuzz (seed ${testConfig.fuzzSeed}): ${INPUTS} inputs of ${kinds.size} kinds in ${seconds.toFixed(1)} s; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}; ` +
      `counted malformed ${malformed}, refused by the ingest's schema ${refusedByIngest}; good device: ${acksDuring.length} presses acked during, p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms, max ${sorted.at(-1)?.toFixed(0)} ms`,
  );

  expect(kinds).toEqual(new Set(["random", "connect", "publish", "subscribe", "unsubscribe", "puback", "pubrec", "pubrel", "pubcomp", "unsuback", "connack", "suback", "pingreq", "pingresp", "disconnect", "several"]));
  expect([...outcomes.values()].reduce((a, b) => a + b, 0)).toBe(INPUTS);
  // every connection was let in: the bounds per source were not what stopped the fuzz
  expect(outcomes.get("no-connection") ?? 0).toBe(0);
  expect(outcomes.get("login-refused") ?? 0).toBeLessThan(INPUTS / 10);
  expect(acksDuring.length).toBeGreaterThan(3);
  expect(after).toEqual(before);
  expect(malformed).toBeGreaterThan(INPUTS / 10);
  // the logged-in share reached the gateway's ingest, which refused every alarm and status it could not read
  expect(refusedByIngest).toBeGreaterThan(INPUTS / 20);
  expect((sys.broker as BrokerThread).worker.threadId).toBe(thread);
  expect((await fetch(`${sys.httpUrl}/healthz`)).status).toBe(200);
}, 120_000);
