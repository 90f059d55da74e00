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

let broker: TestBroker;
let dir: string;

interface Run { code: number; stdout: string; stderr: string }
function sim(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(tsx, [cli, ...args], { cwd: dir, timeout: 20_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  broker = await startTestBroker({ "btn-201": "secret-201" });
  dir = mkdtempSync(join(tmpdir(), "hk-cli-"));
  // a minimal "gateway": ack every raise as received, then resolved
  const gw = await broker.observer();
  await gw.subscribeAsync(topics.allAlarms, { qos: 1 });
  gw.on("message", (topic, payload) => {
    const a = parsePayload(alarmPayloadSchema, payload);
    if (!a.ok) return;
    const id = parseTopic(topic)?.deviceId;
    if (!id) return;
    void gw.publishAsync(topics.ack(id), JSON.stringify({ seq: a.value.seq, alertId: 12, state: "received" }), { qos: 1 });
    setTimeout(() => void gw.publishAsync(topics.ack(id), JSON.stringify({ seq: a.value.seq, alertId: 12, state: "resolved", by: "王女儿" }), { qos: 1 }), 100);
  });
});
afterAll(async () => {
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("pnpm press", () => {
  it("presses, prints the ack with its latency, exits 0; seq grows across runs", async () => {
    const first = await sim("press", "--id", "btn-201", "--secret", "secret-201", "--url", broker.url);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^pressed btn-201 seq 1 \(emergency\) … ack received alert #12 in [\d.]+ ms\n$/);
    const creds = join(dir, "device.json");
    writeFileSync(creds, JSON.stringify({ id: "btn-201", secret: "secret-201", mqtt: { url: broker.url } }));
    const second = await sim("press", "--credentials", creds, "--kind", "medical", "--follow");
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("seq 2 (medical)");
    expect(second.stdout).toContain("ack resolved alert #12 by 王女儿");
  });

  it("exits 3 with a clear message on a wrong secret", async () => {
    const r = await sim("press", "--id", "btn-201", "--secret", "nope", "--url", broker.url, "--timeout", "5");
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("device refused: wrong id or secret (check --credentials)");
  });

  it("exits 1 when no ack comes in time and keeps the alarm queued", async () => {
    const r = await sim("press", "--id", "btn-201", "--secret", "secret-201", "--url", "mqtt://127.0.0.1:1", "--timeout", "0.5", "--state-dir", "q");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("could not connect to the broker at mqtt://127.0.0.1:1");
  });

  it("exits 2 on usage errors and 0 on --help, in both languages", async () => {
    const bad = await sim("press", "--id", "btn-201", "--secret", "x", "--kind", "flood");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--kind must be one of emergency, medical, fire, intrusion, service");
    const help = await sim("press", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("usage: pnpm press");
    const zh = await sim("--lang", "zh-CN", "press", "--secret", "x");
    expect(zh.code).toBe(2);
    expect(zh.stderr).toContain("错误");
    expect((await sim("nope")).code).toBe(2);
    expect((await sim("phone-network", "--help")).stdout).toContain("HK_TWILIO_API_URL");
  });
});
