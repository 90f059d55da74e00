/**
 * A flood of wrong-password CONNECTs never locks devices out, and the log stays small.
 *
 * 50 devices are provisioned and never connect. From 127.0.0.2, 500 wrong-password CONNECTs a second
 * for 20 s name them (raw sockets, CONNECT built with mqtt-packet). Meanwhile a new device is
 * provisioned and connects from 127.0.0.1, and another right after the flood: each one's first
 * CONNECT is accepted, it presses and gets its ack. Every refusal is counted, but the log has a few
 * lines for the whole flood, not one per CONNECT.
 */
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, expect, it } from "vitest";
import type { SimDevice } from "@helpkey/firmware-sim/device";
import { SOURCE_BUDGET } from "@helpkey/gateway/devices/failure-budgets";
import { DEVICE_PARAMS, needsRehash } from "@helpkey/gateway/devices/secret-hash";
import { createHousehold } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { rawConnect, type ConnectResult } from "../helpers/raw-connect";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

const FLOOD_PER_SECOND = 500;
const FLOOD_SECONDS = 20;
const FLOOD_SOURCE = "127.0.0.2";
/** Sockets the flood may have open at once (each is two file descriptors in this process). */
const FLOOD_MAX_OPEN = 2_000;

let sys: TestSystem | undefined;
const devices: SimDevice[] = [];
afterEach(async () => {
  for (const d of devices.splice(0)) await d.close();
  await sys?.close();
  sys = undefined;
});

interface Flood {
  sent: number;
  results: Map<ConnectResult, number>;
  finished: Promise<void>;
}

/** Sends `perSecond` CONNECTs a second for `seconds`, round-robin over `ids`, and tallies the answers. */
function flood(port: number, ids: string[], perSecond: number, seconds: number): Flood {
  const f: Flood = { sent: 0, results: new Map(), finished: Promise.resolve() };
  const total = perSecond * seconds;
  const open = new Set<Promise<void>>();
  const t0 = performance.now();
  f.finished = new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * perSecond));
      while (f.sent < due && open.size < FLOOD_MAX_OPEN) {
        const n = f.sent++;
        // a new guess each time: no two checks are the same, so none joins another under way
        const attempt = rawConnect({ port, localAddress: FLOOD_SOURCE, id: ids[n % ids.length]!, password: `guess-${n}` }).then((r) => {
          f.results.set(r, (f.results.get(r) ?? 0) + 1);
          open.delete(attempt);
        });
        open.add(attempt);
      }
      if (f.sent >= total) {
        clearInterval(tick);
        void Promise.all(open).then(() => resolve());
      }
    }, 10);
  });
  return f;
}

async function metrics(httpUrl: string, name: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = new RegExp(`^${name}\\{[a-z]+="([^"]+)"\\} (\\S+)$`).exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

it("a wrong-password CONNECT flood locks no new device out and writes a bounded log", async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split("\n")) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  sys = await startTestSystem({ logger: pino({ level: "info" }, sink) });
  const s = sys;
  const home = await createHousehold(s.api, { contacts: [{ name: "Daughter", phone: "+8613800001001", priority: 1 }] });
  const provision = async () => {
    const r = await s.api<{ id: string; secret: string }>("POST", "/api/devices", { householdId: home.householdId, type: "button" });
    expect(r.status).toBe(201);
    return r.body;
  };
  const idle: string[] = [];
  for (let i = 0; i < 50; i++) idle.push((await provision()).id);

  /** A device provisioned now: it connects (the emulator, from 127.0.0.1), presses, and gets its ack. */
  const newDevice = async () => {
    const before = await metrics(s.httpUrl, "hk_device_auth_total");
    const { id, secret } = await provision();
    // hashed at device cost when provisioned, so its first check is as cheap as any later one
    const { secret_hash: hash } = s.ctx.db.$client.prepare("SELECT secret_hash FROM devices WHERE id = ?").get(id) as { secret_hash: string };
    expect(needsRehash(hash, DEVICE_PARAMS)).toBe(false);
    const device = await connectSim(s.mqttUrl, id, secret);
    devices.push(device);
    const after = await metrics(s.httpUrl, "hk_device_auth_total");
    const seq = device.press().seq;
    const ack = await device.waitForAck(seq, "received");
    // its one CONNECT was checked and accepted: one "ok", and no check was dropped or refused for want of room
    const delta = (r: string) => (after.get(r) ?? 0) - (before.get(r) ?? 0);
    return { id, ack, ok: delta("ok"), busy: delta("hash_busy"), expired: delta("hash_expired"), refusedLines: () => lines.filter((l) => l.deviceId === id && String(l.msg).startsWith("mqtt refused")).length };
  };

  const port = Number(new URL(s.mqttUrl).port);
  const linesBefore = lines.length;
  const t0 = performance.now();
  const f = flood(port, idle, FLOOD_PER_SECOND, FLOOD_SECONDS);
  // a quarter into the flood, with its answers coming back
  await waitFor(() => f.sent >= FLOOD_PER_SECOND * 5 && f.results.size > 0, 30_000, "the flood 5 s in");
  const during = await newDevice();
  const duringAt = f.sent;
  await f.finished;
  const floodSeconds = (performance.now() - t0) / 1000;
  const after = await newDevice();

  const auth = await metrics(s.httpUrl, "hk_device_auth_total");
  const refusals = await metrics(s.httpUrl, "hk_mqtt_refusals_total");
  const bounded = await metrics(s.httpUrl, "hk_bounded_entries");
  const refusalLines = lines.slice(linesBefore).filter((l) => String(l.msg).startsWith("mqtt refused"));
  const answered = [...f.results.entries()].filter(([r]) => typeof r === "number").reduce((n, [, c]) => n + c, 0);
  console.log(
    `flood: ${f.sent} CONNECTs sent in ${floodSeconds.toFixed(1)} s, answers ${JSON.stringify(Object.fromEntries(f.results))}; ` +
      `checks ${JSON.stringify(Object.fromEntries(auth))}; hk_mqtt_refusals_total ${JSON.stringify(Object.fromEntries(refusals))}; ` +
      `new devices: ${during.id} connected after ${duringAt} flood CONNECTs with CONNACK 0 (ok ${during.ok}, busy ${during.busy}, expired ${during.expired}), ` +
      `${after.id} right after the flood with CONNACK 0 (ok ${after.ok}); refusal log lines for the whole flood: ${refusalLines.length}; bounded maps ${JSON.stringify(Object.fromEntries(bounded))}`,
  );

  // the flood was real, and every CONNECT of it was refused and counted
  expect(f.sent).toBe(FLOOD_PER_SECOND * FLOOD_SECONDS);
  expect(f.results.get(0) ?? 0).toBe(0);
  expect(answered).toBeGreaterThan(f.sent * 0.9);
  expect(refusals.get("HK_MQTT_AUTH_FAILED") ?? 0).toBeGreaterThanOrEqual(answered);
  // most were refused without a hash: only the source's failure budget was ever checked. A check
  // started while the budget had a token is charged when it ends, so the checks under way each time
  // it ran dry come on top of its rate: a few dozen on a busy machine, never a share of the flood
  expect(auth.get("wrong_secret") ?? 0).toBeLessThanOrEqual(SOURCE_BUDGET.burst + SOURCE_BUDGET.perSecond * (floodSeconds + 5) + 0.02 * f.sent);
  expect(f.results.get(3) ?? 0).toBeGreaterThan(f.sent / 2);

  // each new device's first CONNECT was accepted, and it got its ack
  for (const d of [during, after]) {
    expect(d).toMatchObject({ ok: 1, busy: 0, expired: 0, ack: { state: "received" } });
    expect(d.refusedLines()).toBe(0);
  }

  // every map the flood fed is bounded and counted
  expect([...bounded.keys()]).toEqual(expect.arrayContaining(["failure_budget_sources", "failure_budget_devices", "device_cache", "verified_devices", "checks_in_flight"]));
  const logKeys = (await metrics(s.httpUrl, "hk_mqtt_bounded_entries")).get("refusal_log_keys");
  expect(logKeys).toBeDefined();
  expect(logKeys!).toBeLessThanOrEqual(1_000); // the refusal log's LRU bound

  // the log: a few lines for 10,000 refusals
  expect(refusalLines.length).toBeLessThan(50);
  expect(lines.length - linesBefore).toBeLessThan(200);
}, 120_000);
