/**
 * A dead battery: each acting device reports its battery falling (status 60, 35, 18, 9, 4 %) over
 * --seconds, then goes silent: no DISCONNECT, no keepalive, nothing. The broker notices only when
 * the keepalive lapses (1.5 × --keepalive) and publishes the device's Last Will; the run waits for
 * that, so the system's supervision sees exactly what a dead device shows it.
 */
import type { ScenarioDevice } from "../scenario-device";
import { atMoments, type Check, type DeviceReport, type Scenario } from "./scenario";

const LEVELS = [60, 35, 18, 9, 4];

function statusFalling(reports: readonly DeviceReport[]): Check {
  const ok = (r: DeviceReport) => r.batteries.length >= LEVELS.length && r.batteries.every((b, i) => i === 0 || b <= r.batteries[i - 1]!) && r.batteries.at(-1) === LEVELS.at(-1);
  return { id: "statusFalling", pass: reports.filter(ok).length, of: reports.length, example: reports.find((r) => !ok(r))?.id };
}

function droppedByBroker(reports: readonly DeviceReport[]): Check {
  const ok = (r: DeviceReport) => r.silentAt !== null && r.droppedAt !== null;
  return { id: "droppedByBroker", pass: reports.filter(ok).length, of: reports.length, example: reports.find((r) => !ok(r))?.id };
}

export const deadBattery: Scenario = {
  name: "dead-battery",
  defaultCount: "all",
  defaultSeconds: 10,
  act(run) {
    const step = (run.options.seconds * 1000) / (LEVELS.length + 1);
    const plan = run.devices.flatMap((d) => [
      ...LEVELS.map((level, k) => ({ at: (k + 1) * step * (0.9 + Math.random() * 0.2), item: () => d.setBattery(level) })),
      { at: (LEVELS.length + 1) * step, item: () => d.goSilent() },
    ]);
    return atMoments(run, plan, (f) => f());
  },
  settled: (devices: readonly ScenarioDevice[]) => devices.every((d) => d.droppedAt !== null),
  checks: (reports) => [statusFalling(reports), droppedByBroker(reports)],
};
