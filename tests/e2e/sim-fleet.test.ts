/**
 * `pnpm sim fleet` against the real system: 20 households, their devices provisioned with
 * `pnpm hk devices provision --out FILE`, then the fleet command with that file. A storm makes one
 * alert per household; button chatter (10 presses in 1 s from each device) makes one alert per
 * household with every press counted; a reboot keeps seq, and the press after it is a new press
 * (seq + 1, stored and counted), not a retransmission; a device clock hours off is accepted on the
 * system's time; a press sent again after its link dropped is the same press. A wrong secret, a dead broker and bad options exit 3, 3 and 2.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { provisionedDeviceSchema, type ProvisionedDevice } from "@helpkey/shared";
import { testConfig } from "../helpers/config";
import { ADMIN_TOKEN, startTestSystem, type TestSystem } from "../helpers/system";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
const HK = path.join(ROOT, "gateway/src/cli/hk.ts");
const SIM = path.join(ROOT, "firmware-sim/src/cli.ts");
const N = 20;

interface Run { code: number; stdout: string; stderr: string }
function run(script: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(TSX, [script, ...args], { cwd: dir, env: { ...testConfig.childBaseEnv, ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

interface Summary {
  counters: { pressed: number; acked: number; connected: number };
  alerts: number;
  checks: { id: string; ok: boolean; pass: number; of: number }[];
  perDevice: { id: string; seqs: number[]; alertIds: number[]; acked: boolean[]; ts: number[]; reboots: number }[];
}

let sys: TestSystem;
let dir: string;
let creds: string;
let devices: ProvisionedDevice[];

async function fleet(...args: string[]): Promise<{ r: Run; s: Summary }> {
  const r = await run(SIM, ["fleet", "--credentials", creds, "--json", ...args]);
  return { r, s: (r.stdout ? JSON.parse(r.stdout) : null) as Summary };
}

interface AlertRow { id: number; household_id: number; press_count: number; first_press_at: number }
const alertsSince = (t: number) => sys.ctx.db.$client.prepare("SELECT id, household_id, press_count, first_press_at FROM alerts WHERE first_press_at >= ? ORDER BY id").all(t) as AlertRow[];

beforeAll(async () => {
  sys = await startTestSystem();
  dir = mkdtempSync(path.join(tmpdir(), "hk-sim-fleet-"));
  const post = async (url: string, body: unknown) => {
    const r = await sys.api<{ id: number }>("POST", url, body);
    if (r.status !== 201) throw new Error(`${url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id;
  };
  const communityId = await post("/api/communities", { name: "Fleet Gardens", language: "en" });
  const buildingId = await post("/api/buildings", { communityId, name: "Block 1" });
  const unitId = await post("/api/units", { buildingId, name: "Unit 1" });
  for (let i = 0; i < N; i++) await post("/api/households", { unitId, room: String(101 + i) });
  creds = path.join(dir, "devices.json");
  const provisioned = await run(HK, ["devices", "provision", "--unit", String(unitId), "--out", creds], { HK_URL: sys.httpUrl, HK_ADMIN_TOKEN: ADMIN_TOKEN });
  expect(provisioned.code, provisioned.stderr).toBe(0);
  devices = provisionedDeviceSchema.array().parse(JSON.parse(readFileSync(creds, "utf8")));
  expect(devices).toHaveLength(N);
});
afterAll(async () => {
  await sys?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every household starts without a live alert: a press then opens a new one. */
beforeEach(async () => {
  const open = sys.ctx.db.$client.prepare("SELECT id FROM alerts WHERE state NOT IN ('resolved', 'cancelled')").all() as { id: number }[];
  for (const a of open) expect((await sys.api("POST", `/api/alerts/${a.id}/cancel`, { note: "fleet test" })).status).toBe(200);
});

describe("pnpm sim fleet", () => {
  it("storm over two fleet processes: every device presses within 2 s, every press is acked, one alert per household", async () => {
    const t0 = Date.now();
    const { r, s } = await fleet("--scenario", "storm", "--seconds", "2", "--processes", "2");
    expect(r.code, r.stderr).toBe(0);
    expect(s.counters).toMatchObject({ pressed: N, acked: N });
    expect(s.checks).toEqual([{ id: "acked", ok: true, pass: N, of: N }]);
    // the live counters went to stderr, the summary to stdout
    expect(r.stderr).toMatch(/connected \d+\/20 · presses \d+ · acks \d+ · ack p50/);
    const alerts = alertsSince(t0);
    expect(alerts).toHaveLength(N);
    expect(new Set(alerts.map((a) => a.household_id)).size).toBe(N);
    expect(alerts.every((a) => a.press_count === 1)).toBe(true);
    expect(new Set(s.perDevice.map((d) => d.alertIds[0])).size).toBe(N);
  });

  it("chatter: 10 presses in 1 s from each of 20 devices make one alert per household with 10 presses", async () => {
    const t0 = Date.now();
    const { r, s } = await fleet("--scenario", "chatter", "--count", String(N));
    expect(r.code, r.stderr).toBe(0);
    expect(s.counters).toMatchObject({ pressed: 10 * N, acked: 10 * N });
    expect(s.checks.map((c) => [c.id, c.ok])).toEqual([["acked", true], ["oneAlert", true]]);
    const alerts = alertsSince(t0);
    expect(alerts).toHaveLength(N);
    expect(new Set(alerts.map((a) => a.household_id)).size).toBe(N);
    expect(alerts.map((a) => a.press_count)).toEqual(Array(N).fill(10));
    // each device's ten seqs are consecutive and every one was stored as its own press
    for (const d of s.perDevice) {
      expect(d.seqs).toEqual(Array.from({ length: 10 }, (_, k) => d.seqs[0]! + k));
      const stored = sys.ctx.db.$client.prepare("SELECT seq FROM presses WHERE device_id = ? AND seq >= ? ORDER BY seq").all(d.id, d.seqs[0]) as { seq: number }[];
      expect(stored.map((p) => p.seq)).toEqual(d.seqs);
    }
  });

  it("reboot: the press after a restart carries seq + 1 and is a new press of the same alert", async () => {
    const t0 = Date.now();
    const { r, s } = await fleet("--scenario", "reboot", "--count", "3", "--boot-s", "0.5");
    expect(r.code, r.stderr).toBe(0);
    expect(s.checks.map((c) => [c.id, c.ok])).toEqual([["acked", true], ["seqAfterReboot", true]]);
    const alerts = alertsSince(t0);
    expect(alerts).toHaveLength(3);
    for (const d of s.perDevice) {
      expect(d.reboots).toBe(1);
      expect(d.seqs).toEqual([d.seqs[0], d.seqs[0]! + 1]);
      expect(d.alertIds[1]).toBe(d.alertIds[0]);
      // both presses stored, and the alert counts two presses: the second was never taken for the first sent again
      const stored = sys.ctx.db.$client.prepare("SELECT seq, alert_id FROM presses WHERE device_id = ? AND seq >= ? ORDER BY seq").all(d.id, d.seqs[0]) as { seq: number; alert_id: number }[];
      expect(stored).toEqual(d.seqs.map((seq) => ({ seq, alert_id: d.alertIds[0] })));
      expect(alerts.find((a) => a.id === d.alertIds[0])!.press_count).toBe(2);
    }
  });

  it("flapping: presses sent again after the link dropped are acked as the same press, one alert each", async () => {
    const t0 = Date.now();
    const { r, s } = await fleet("--scenario", "flapping", "--count", "5", "--seconds", "3");
    expect(r.code, r.stderr).toBe(0);
    expect(s.counters).toMatchObject({ pressed: 5, acked: 5 });
    expect(s.checks.map((c) => [c.id, c.ok])).toEqual([["acked", true], ["oneAlert", true]]);
    const alerts = alertsSince(t0);
    expect(alerts.map((a) => a.press_count)).toEqual([1, 1, 1, 1, 1]);
  });

  it("clock skew: device clocks 6 hours off are acked, and the alert carries the system's time", async () => {
    const t0 = Date.now();
    const { r, s } = await fleet("--scenario", "clock-skew", "--count", "2");
    const t1 = Date.now();
    expect(r.code, r.stderr).toBe(0);
    const [ahead, behind] = s.perDevice;
    expect(ahead!.ts[0]! - t0).toBeGreaterThan(5.9 * 3_600_000);
    expect(t1 - behind!.ts[0]!).toBeGreaterThan(5.9 * 3_600_000);
    for (const a of alertsSince(t0)) expect(a.first_press_at).toBeLessThanOrEqual(t1);
    expect(alertsSince(t0)).toHaveLength(2);
  });

  it("exits 3 when a secret is wrong or nothing listens, 2 on bad options", async () => {
    const wrong = path.join(dir, "wrong.json");
    writeFileSync(wrong, JSON.stringify([{ ...devices[0], secret: "not-the-secret-0000000000" }]));
    const refused = await run(SIM, ["fleet", "--credentials", wrong]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`the broker refused 1 device(s): wrong id or secret (e.g. ${devices[0]!.id}`);

    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, "127.0.0.1", resolve));
    const port = (free.address() as { port: number }).port;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    const dead = await run(SIM, ["fleet", "--credentials", creds, "--url", `mqtt://127.0.0.1:${port}`, "--connect-timeout", "2"]);
    expect(dead.code).toBe(3);
    expect(dead.stderr).toContain(`only 0 of ${N} devices connected within 2 s`);

    expect((await run(SIM, ["fleet", "--credentials", creds, "--scenario", "hurricane"])).code).toBe(2);
    expect((await run(SIM, ["fleet", "--credentials", creds, "--count", "21"])).code).toBe(2);
    expect((await run(SIM, ["fleet", "--credentials", creds, "--url", "mqtts://127.0.0.1:8883"])).stderr).toContain("light devices speak plain MQTT");
    const help = await run(SIM, ["fleet", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--scenario NAME");
  });
});
