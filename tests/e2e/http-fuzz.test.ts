/**
 * 1,500 HTTP inputs over every POST, PUT and PATCH route the gateway serves
 * (tests/helpers/http-fuzz.ts: broken JSON, JSON that is no object, every documented field of the
 * wrong type, bodies over the limit, form and text bodies, huge strings, unusual Unicode,
 * prototype-pollution keys, path ids that name nothing), with the admin token so that every input
 * reaches validation. Every answer is a 4xx with `{error: {code}}`, never a 5xx; the store is
 * unchanged, no prototype was polluted, and the gateway is healthy after.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createHousehold, type Household } from "../helpers/community";
import { testConfig } from "../helpers/config";
import { connectSim } from "../helpers/device";
import { answerFault, httpInputs, routeTargets, sendHttpInputs } from "../helpers/http-fuzz";
import { fingerprint } from "../helpers/store-fingerprint";
import { ADMIN_TOKEN, startTestSystem, type TestSystem } from "../helpers/system";

const INPUTS = 1_500;

let sys: TestSystem;
let home: Household;

beforeAll(async () => {
  sys = await startTestSystem();
  home = await createHousehold(sys.api, { contacts: [{ name: "Daughter", phone: "+8613800001001", priority: 1 }] });
  // an open alert, so that the alert routes have something they must not touch
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  await device.waitForAck(device.press().seq, "received", 5000);
  await device.close();
});
afterAll(async () => {
  await sys?.close();
});

it("answers 1,500 fuzzed bodies on every body-taking route with a 4xx and an error code, and changes nothing", async () => {
  const doc = await (await fetch(`${sys.httpUrl}/docs/json`)).json();
  const targets = routeTargets(sys.routes, doc);
  const inputs = httpInputs(targets, INPUTS, testConfig.fuzzSeed);
  const db = sys.ctx.db.$client;
  const before = fingerprint(db);
  const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

  const t0 = performance.now();
  const answers = await sendHttpInputs(sys.httpUrl, ADMIN_TOKEN, inputs, 16);
  const seconds = (performance.now() - t0) / 1000;

  const statuses = new Map<number, number>();
  for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
  const kinds = new Map<string, number>();
  for (const i of inputs) kinds.set(i.kind, (kinds.get(i.kind) ?? 0) + 1);
  console.log(
    `http fuzz (seed ${testConfig.fuzzSeed}): ${INPUTS} inputs over ${targets.length} routes in ${seconds.toFixed(1)} s; kinds ${JSON.stringify(Object.fromEntries(kinds))}; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
  );

  expect(targets.length).toBeGreaterThan(40);
  const reached = new Set(inputs.map((i) => `${i.method} ${i.path.split("/").slice(0, 3).join("/")}`));
  expect(reached.size).toBeGreaterThan(15);
  const faults = inputs.flatMap((input, i) => {
    const fault = answerFault(answers[i]!);
    return fault ? [`${input.method} ${input.path} (${input.kind}, ${input.body.slice(0, 80)}…): ${fault}`] : [];
  });
  expect(faults.slice(0, 10)).toEqual([]);

  expect(fingerprint(db)).toEqual(before);
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  expect((await fetch(`${sys.httpUrl}/healthz`)).status).toBe(200);
  expect((await sys.api("GET", "/api/alerts")).status).toBe(200);
}, 120_000);
