/**
 * `pnpm sim fleet`: a fleet of light devices plays a scenario against a running system (a broker
 * with the gateway behind it). The devices come from the credentials file `pnpm hk devices
 * provision --out` writes, or from the bench's derived fleet. Exit codes: see the help.
 */
import { readFileSync } from "node:fs";
import { credentialsFileSchema, type CreatedDevice } from "@helpkey/shared";
import type { Lang, Messages } from "../cli/messages";
import { EXIT, UsageError, parse, positiveNumber } from "../cli/usage";
import { fleetDeviceId, fleetSecret } from "./credentials";
import { runFleet, type FleetOutcome, type FleetPlan } from "./fleet-coordinator";
import { fleetTexts, type FleetTexts } from "./fleet-texts";
import type { DeviceCredentials } from "./scenario-device";
import { scenarios } from "./scenarios";
import { scenarioNames, type ScenarioName } from "./scenarios/scenario";

const DEFAULT_URL = "mqtt://127.0.0.1:1883";
/** Up to this many devices run in this process; more are split over forked processes. */
const IN_PROCESS_MAX = 2_000;
const DEVICES_PER_PROCESS = 5_000;
/** Per-device details in --json up to this fleet size (the counts are always there). */
const JSON_DEVICES_MAX = 1_000;

const options = {
  credentials: { type: "string" },
  "bench-devices": { type: "string" },
  url: { type: "string" },
  scenario: { type: "string" },
  count: { type: "string" },
  seconds: { type: "string" },
  presses: { type: "string" },
  "skew-hours": { type: "string" },
  "boot-s": { type: "string" },
  keepalive: { type: "string" },
  timeout: { type: "string" },
  "connect-rate": { type: "string" },
  "connect-timeout": { type: "string" },
  processes: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function wholeNumber(value: string | undefined, flag: string, dflt: number, min = 1): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number ≥ ${min}; got "${value}"`);
  return n;
}

/** Every device of a credentials file (an array from `pnpm hk devices provision`, or one device). */
function readCredentialsFile(file: string): CreatedDevice[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`cannot read --credentials ${file}: ${(err as Error).message}`);
  }
  const parsed = credentialsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--credentials ${file} is not the array pnpm hk devices provision writes, nor {id, secret, mqtt: {url}} as POST /api/devices returns (${issue?.path.join(".") || "file"}: ${issue?.message})`);
  }
  return Array.isArray(parsed.data) ? parsed.data : [parsed.data];
}

function devicesOf(v: ReturnType<typeof parse<typeof options>>): { devices: DeviceCredentials[]; url: string | undefined } {
  if (v.credentials && v["bench-devices"]) throw new UsageError("give either --credentials FILE or --bench-devices N, not both");
  if (v["bench-devices"]) {
    const n = wholeNumber(v["bench-devices"], "--bench-devices", 0);
    return { devices: Array.from({ length: n }, (_, i) => ({ id: fleetDeviceId(i), secret: fleetSecret(i) })), url: undefined };
  }
  if (!v.credentials) throw new UsageError("--credentials FILE is required (the JSON `pnpm hk devices provision --out FILE` writes), or --bench-devices N");
  const all = readCredentialsFile(v.credentials);
  return { devices: all.map((d) => ({ id: d.id, secret: d.secret })), url: all[0]!.mqtt.url };
}

function planOf(argv: string[]): FleetPlan & { url: string; json: boolean } | "help" {
  const v = parse(argv, options);
  if (v.help) return "help";
  const { devices, url: credsUrl } = devicesOf(v);
  const url = v.url ?? credsUrl ?? DEFAULT_URL;
  if (!URL.canParse(url)) throw new UsageError(`--url "${url}" is not a URL, e.g. ${DEFAULT_URL}`);
  const u = new URL(url);
  if (u.protocol !== "mqtt:") throw new UsageError(fleetTexts("en").plainOnly(url));
  const scenarioName = (v.scenario ?? "single") as ScenarioName;
  if (!scenarioNames.includes(scenarioName)) throw new UsageError(`--scenario must be one of ${scenarioNames.join(", ")}; got "${v.scenario}"`);
  const scenario = scenarios[scenarioName];
  const acting = wholeNumber(v.count, "--count", scenario.defaultCount === "one" ? 1 : devices.length);
  if (acting > devices.length) throw new UsageError(`--count ${acting} is more than the ${devices.length} device(s) given`);
  const keepaliveS = wholeNumber(v.keepalive, "--keepalive", 60);
  const processes = v.processes === undefined
    ? (devices.length <= IN_PROCESS_MAX ? 0 : Math.ceil(devices.length / DEVICES_PER_PROCESS))
    : wholeNumber(v.processes, "--processes", 0, 0);
  return {
    devices, url, json: v.json ?? false, host: u.hostname.replace(/^\[|\]$/g, ""), port: Number(u.port || 1883), processes, keepaliveS,
    connectRate: positiveNumber(v["connect-rate"], "--connect-rate", 1000),
    connectTimeoutS: positiveNumber(v["connect-timeout"], "--connect-timeout", 60),
    scenario: scenarioName, acting,
    options: {
      seconds: v.seconds === undefined ? scenario.defaultSeconds : positiveNumber(v.seconds, "--seconds", 1),
      presses: wholeNumber(v.presses, "--presses", 10),
      skewHours: positiveNumber(v["skew-hours"], "--skew-hours", 6),
      bootS: positiveNumber(v["boot-s"], "--boot-s", 1),
    },
    settleS: positiveNumber(v.timeout, "--timeout", scenarioName === "dead-battery" ? Math.ceil(keepaliveS * 1.5) + 15 : 30),
  };
}

function summaryJson(plan: FleetPlan, r: Extract<FleetOutcome, { type: "done" }>) {
  return {
    scenario: plan.scenario, devices: plan.devices.length, acting: plan.acting, aborted: r.aborted, counters: r.counters, ackMs: r.ackMs, alerts: r.alerts.alerts,
    checks: r.checks.map((c) => ({ ...c, ok: c.pass === c.of })),
    ...(plan.devices.length <= JSON_DEVICES_MAX ? {
      perDevice: r.reports.map((d) => ({
        id: d.id, seqs: d.presses.map((p) => p.seq), alertIds: d.presses.map((p) => p.alertId), acked: d.presses.map((p) => p.ackAt !== null),
        ts: d.presses.map((p) => p.ts), reboots: d.reboots, batteries: d.batteries, drops: d.drops, silent: d.silentAt !== null, droppedByBroker: d.droppedAt !== null,
      })),
    } : {}),
  };
}

function printSummary(t: FleetTexts, plan: FleetPlan, r: Extract<FleetOutcome, { type: "done" }>, json: boolean): void {
  if (json) return void process.stdout.write(`${JSON.stringify(summaryJson(plan, r))}\n`);
  const lines = [
    t.header(plan.scenario, plan.devices.length, plan.acting, r.aborted),
    t.totals(r.counters.pressed, r.counters.acked, r.counters.retransmits, r.counters.drops),
    t.ackTimes(r.ackMs),
    t.alerts(r.alerts.alerts),
    ...r.checks.map((c) => `  ${t.check(c)}`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

export async function runFleetCommand(argv: string[], _m: Messages, lang?: Lang): Promise<number> {
  const t = fleetTexts(lang ?? "en");
  const plan = planOf(argv);
  if (plan === "help") {
    process.stdout.write(`${t.help}\n`);
    return EXIT.ok;
  }
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // a terminal gets one line rewritten in place; a file or a pipe gets a line a second
  const tty = process.stderr.isTTY;
  let r: FleetOutcome;
  try {
    r = await runFleet(plan, { signal: stop.signal, onLive: (l) => process.stderr.write(tty ? `\r${t.live(l, plan.devices.length)}\x1b[K` : `${t.live(l, plan.devices.length)}\n`) });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (tty) process.stderr.write("\n");
  }
  if (r.type === "refused") {
    process.stderr.write(`${t.refused(r.counters.refused, r.refused[0])}\n`);
    return EXIT.refused;
  }
  if (r.type === "unreachable") {
    process.stderr.write(`${t.unreachable(r.counters.everReady, plan.devices.length, plan.connectTimeoutS, plan.url)}\n`);
    return EXIT.refused;
  }
  printSummary(t, plan, r, plan.json);
  return r.checks.every((c) => c.pass === c.of) && !r.aborted ? EXIT.ok : EXIT.timeout;
}
