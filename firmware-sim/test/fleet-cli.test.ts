/**
 * `pnpm sim fleet` against a bare MQTT broker with a minimal gateway (one alert per device, every
 * raise acked): a flapping link (presses lost on the way are sent again until acked, one alert per
 * device), a dead battery (falling statuses, then silence until the broker's keepalive check drops
 * each device), the live counters on stderr, and the help in both languages.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alarmPayloadSchema, parsePayload, parseTopic, topics } from "@helpkey/shared";
import { startTestBroker, type TestBroker } from "./test-broker";

const root = resolve(import.meta.dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");
const cli = join(root, "firmware-sim/src/cli.ts");
const N = 8;

let broker: TestBroker;
let dir: string;
let creds: string;
/** Presses the minimal gateway saw, by device: every publish, retransmissions included. */
const received = new Map<string, number[]>();

interface Run { code: number; stdout: string; stderr: string }
function sim(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(tsx, [cli, ...args], { cwd: dir, timeout: 60_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  const secrets = Object.fromEntries(Array.from({ length: N }, (_, i) => [`fc-${i}`, `secret-${i}`]));
  broker = await startTestBroker(secrets);
  dir = mkdtempSync(join(tmpdir(), "hk-fleet-cli-"));
  creds = join(dir, "devices.json");
  writeFileSync(creds, JSON.stringify(Object.entries(secrets).map(([id, secret], i) => ({ id, secret, mqtt: { url: broker.url }, householdId: i + 1 }))));
  const gw = await broker.observer();
  await gw.subscribeAsync(topics.allAlarms, { qos: 1 });
  gw.on("message", (topic, payload) => {
    const a = parsePayload(alarmPayloadSchema, payload);
    const id = parseTopic(topic)?.deviceId;
    if (!a.ok || !id) return;
    received.set(id, [...(received.get(id) ?? []), a.value.seq]);
    void gw.publishAsync(topics.ack(id), JSON.stringify({ seq: a.value.seq, alertId: 1000 + Number(id.slice(3)), state: "received" }), { qos: 1 });
  });
});
afterAll(async () => {
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("pnpm sim fleet", () => {
  it("flapping: links drop for 3 s, every press is sent again until acked and names one alert", async () => {
    const r = await sim("fleet", "--credentials", creds, "--scenario", "flapping", "--seconds", "3", "--json");
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { counters: { pressed: number; acked: number; drops: number; retransmits: number }; checks: { id: string; ok: boolean }[] };
    expect(s.counters).toMatchObject({ pressed: N, acked: N });
    expect(s.counters.drops).toBeGreaterThanOrEqual(N);
    // each link dropped right after its press: every alarm went out again on the next connection
    expect(s.counters.retransmits).toBeGreaterThanOrEqual(N);
    expect(s.checks.map((c) => [c.id, c.ok])).toEqual([["acked", true], ["oneAlert", true]]);
    // one press per device, however often it was published
    for (let i = 0; i < N; i++) expect(new Set(received.get(`fc-${i}`))).toHaveProperty("size", 1);
    expect(r.stderr).toMatch(/connected \d+\/8 · presses \d+ · acks \d+/);
  });

  it("dead battery: statuses fall to 4 %, then silence until the broker drops each device", async () => {
    const r = await sim("fleet", "--credentials", creds, "--scenario", "dead-battery", "--count", "3", "--seconds", "1", "--keepalive", "1");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("fleet dead-battery: 8 devices, 3 acting");
    expect(r.stdout).toContain("✓ the battery was reported falling to 4 %: 3/3");
    expect(r.stdout).toContain("✓ the broker dropped each silent device (its Last Will): 3/3");
  });

  it("says its help in English and Chinese, the Chinese with full-width punctuation", async () => {
    const en = await sim("fleet", "--help");
    expect(en.code).toBe(0);
    expect(en.stdout).toContain("usage: pnpm sim fleet --credentials FILE");
    const zh = await sim("fleet", "--help", "--lang", "zh-CN");
    expect(zh.stdout).toContain("用法：pnpm sim fleet");
    // ASCII punctuation next to a Chinese character (a URL template such as mqtt://主机:端口 is syntax, not prose)
    const prose = zh.stdout.replace(/\w+:\/\/\S+/g, "");
    const cjk = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;
    const bad = [...prose].filter((c, i, all) => /[:,();!?]/.test(c) && (cjk.test(all[i - 1] ?? "") || cjk.test(all[i + 1] ?? "")));
    expect(bad).toEqual([]);
    expect((await sim("--help")).stdout).toContain("fleet            run a fleet of emulated devices");
  });
});
