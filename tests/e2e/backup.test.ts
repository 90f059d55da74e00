/**
 * `pnpm hk backup` while the gateway runs and presses keep arriving, then `pnpm hk restore` into a
 * new data directory and a system started on it: every alert and event committed before the backup
 * began is there, as it was. A backup is never written over unasked (exit 2), and the restore is
 * refused while a gateway has the database open (exit 1).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { seedDatabase } from "../bench/lib/seed";
import { testConfig } from "../helpers/config";
import { startStormFleet, type StormFleet } from "../helpers/storm-fleet";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
const HK = path.join(ROOT, "gateway/src/cli/hk.ts");
const HOUSEHOLDS = 300;
const BEFORE = 100;

const work = mkdtempSync(path.join(tmpdir(), "hk-backup-"));
const systems: TestSystem[] = [];
let fleet: StormFleet | undefined;
afterAll(async () => {
  fleet?.stop();
  for (const s of systems) await s.stop();
  rmSync(work, { recursive: true, force: true });
});

interface Run { code: number; stdout: string; stderr: string }
function hk(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(TSX, [HK, ...args], { cwd: work, env: { ...testConfig.childBaseEnv }, timeout: 120_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

type Row = Record<string, unknown>;

it("backs up a running gateway under presses, and a restore of it holds every alert and event committed before", async () => {
  const live = path.join(work, "live");
  await seedDatabase(ROOT, live, HOUSEHOLDS, () => undefined);
  const sys = await startTestSystem({ dataDir: live });
  systems.push(sys);
  const url = new URL(sys.mqttUrl);
  fleet = await startStormFleet({ host: url.hostname, port: Number(url.port) }, HOUSEHOLDS);

  // committed before the backup: the first households' alarms, acked (stored durably), and all their events
  for (const d of fleet.devices.slice(0, BEFORE)) d.press();
  await waitFor(() => fleet!.acked() === BEFORE, 30_000, "the first alarms acked");
  const db = sys.ctx.db.$client;
  const alertsBefore = db.prepare("SELECT id, household_id, kind, first_press_at FROM alerts ORDER BY id").all() as Row[];
  const eventsBefore = db.prepare("SELECT * FROM events ORDER BY id").all() as Row[];
  expect(alertsBefore).toHaveLength(BEFORE);

  // the rest press over the next seconds, while the backup runs
  for (const d of fleet.devices.slice(BEFORE)) setTimeout(() => d.press(), Math.random() * 4_000);
  const file = path.join(work, "helpkey-backup.sqlite");
  const ackedAtStart = fleet.acked();
  const backup = await hk("backup", file, "--data-dir", live);
  const ackedDuring = fleet.acked() - ackedAtStart;
  expect(backup.code, backup.stderr).toBe(0);
  expect(backup.stderr).toContain(`backed up to ${file}`);
  expect(ackedDuring).toBeGreaterThan(0);

  // a backup file is never written over unasked; a restore onto a database in use is refused
  expect((await hk("backup", file, "--data-dir", live)).code).toBe(2);
  const refused = await hk("restore", file, "--data-dir", live, "--force");
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain("stop helpkey first");

  const restoredDir = path.join(work, "restored");
  const restore = await hk("restore", file, "--data-dir", restoredDir);
  expect(restore.code, restore.stderr).toBe(0);
  await waitFor(() => fleet!.acked() === HOUSEHOLDS, 30_000, "every alarm acked");

  const copy = await startTestSystem({ dataDir: restoredDir });
  systems.push(copy);
  const cdb = copy.ctx.db.$client;
  const alertsAfter = new Map((cdb.prepare("SELECT id, household_id, kind, first_press_at FROM alerts").all() as Row[]).map((r) => [r.id, r]));
  const eventsAfter = new Map((cdb.prepare("SELECT * FROM events").all() as Row[]).map((r) => [r.id, r]));
  console.log(
    `backup: ${backup.stderr.trim().split("\n").at(-2)}; ${ackedDuring} alarms acked while it ran; ` +
      `restored ${alertsAfter.size} alerts and ${eventsAfter.size} events (${alertsBefore.length} and ${eventsBefore.length} committed before the backup began)`,
  );
  expect(alertsBefore.filter((a) => JSON.stringify(alertsAfter.get(a.id)) !== JSON.stringify(a))).toEqual([]);
  expect(eventsBefore.filter((e) => JSON.stringify(eventsAfter.get(e.id)) !== JSON.stringify(e))).toEqual([]);
  // the restored system serves them
  const sample = alertsBefore[alertsBefore.length - 1]!;
  expect((await copy.api("GET", `/api/alerts/${String(sample.id)}`)).status).toBe(200);

  const help = await hk("backup", "--help");
  expect(help.code).toBe(0);
  expect(help.stdout).toContain("usage: pnpm hk backup FILE");
}, 120_000);
