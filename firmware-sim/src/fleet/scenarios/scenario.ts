/**
 * What a fleet scenario is: what its devices do (`act`, run by each fleet worker on its share of the
 * acting devices) and what must hold afterwards (`checks`, run by the coordinator over every
 * device's report). A scenario acts through the device's own behaviour only (press, reboot, drop
 * the link, battery, silence): the system under test sees nothing a real fleet could not send.
 */
import type { PressRecord, ScenarioDevice } from "../scenario-device";

export const scenarioNames = ["single", "storm", "flapping", "chatter", "reboot", "clock-skew", "dead-battery"] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export interface ScenarioOptions {
  /** The window the scenario's actions are spread over. */
  seconds: number;
  /** Presses per device (chatter). */
  presses: number;
  /** How far the devices' clocks are off (clock-skew): +hours for even devices, -hours for odd ones. */
  skewHours: number;
  /** How long a reboot keeps the device off the network (reboot). */
  bootS: number;
}

export interface ScenarioRun {
  /** This worker's acting devices. */
  devices: ScenarioDevice[];
  options: ScenarioOptions;
  /** Aborted on Ctrl-C or when the run's time is up: stop acting. */
  signal: AbortSignal;
  /** Waits `ms`, less when the run is aborted. */
  sleep(ms: number): Promise<void>;
  /** Resolves true once the press is acked, false when the run is aborted first. */
  whenAcked(press: PressRecord): Promise<boolean>;
  /** Resolves true once the device is connected and subscribed, false when the run is aborted first. */
  whenReady(device: ScenarioDevice): Promise<boolean>;
}

/** One device's run as the coordinator sees it. */
export interface DeviceReport {
  id: string;
  index: number;
  presses: PressRecord[];
  reboots: number;
  /** The battery of each status the device published. */
  batteries: number[];
  clockOffsetMs: number;
  silentAt: number | null;
  droppedAt: number | null;
  /** Times the connection closed other than by the device's own clean DISCONNECT. */
  drops: number;
}

/** A property the run must show; `pass` of `of` items passed (devices or presses). */
export interface Check {
  id: "acked" | "oneAlert" | "seqAfterReboot" | "statusFalling" | "droppedByBroker";
  pass: number;
  of: number;
  /** A device that failed, for the message. */
  example?: string | undefined;
}

export interface Scenario {
  name: ScenarioName;
  /** How many devices act without --count: one, or the whole fleet. */
  defaultCount: "one" | "all";
  /** --seconds when not given. */
  defaultSeconds: number;
  act(run: ScenarioRun): Promise<void>;
  /** What else the run waits for after acting, besides every press acked (a silent device's drop). */
  settled?(devices: readonly ScenarioDevice[]): boolean;
  checks(reports: readonly DeviceReport[], o: ScenarioOptions): Check[];
}

/** Every press of every acting device acked. */
export function ackedCheck(reports: readonly DeviceReport[]): Check {
  const all = reports.flatMap((r) => r.presses.map((p) => ({ r, p })));
  const failed = all.find(({ p }) => p.ackAt === null);
  return { id: "acked", pass: all.filter(({ p }) => p.ackAt !== null).length, of: all.length, example: failed?.r.id };
}

/** Each device's presses all joined one alert (the gateway's exactly-once and one-alert-per-household). */
export function oneAlertCheck(reports: readonly DeviceReport[]): Check {
  const ok = (r: DeviceReport) => r.presses.length > 0 && r.presses.every((p) => p.alertId !== null) && new Set(r.presses.map((p) => p.alertId)).size === 1;
  return { id: "oneAlert", pass: reports.filter(ok).length, of: reports.length, example: reports.find((r) => !ok(r))?.id };
}

/** Each item at a uniformly random moment in [0, ms). */
export function randomMoments<T>(items: readonly T[], ms: number): { at: number; item: T }[] {
  return items.map((item) => ({ at: Math.random() * ms, item }));
}

/**
 * Runs `fn` for each item at its moment (ms after the start), in order; a late wake-up runs all that
 * is due at once. Stops when the run is aborted.
 */
export async function atMoments<T>(run: ScenarioRun, plan: readonly { at: number; item: T }[], fn: (item: T) => void): Promise<void> {
  const sorted = [...plan].sort((a, b) => a.at - b.at);
  const t0 = performance.now();
  let i = 0;
  while (i < sorted.length && !run.signal.aborted) {
    const elapsed = performance.now() - t0;
    while (i < sorted.length && sorted[i]!.at <= elapsed) fn(sorted[i++]!.item);
    if (i < sorted.length) await run.sleep(Math.max(1, sorted[i]!.at - (performance.now() - t0)));
  }
}
