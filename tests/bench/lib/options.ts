/** `pnpm bench [--quick] [...]`: options, checked once. */
import { parseArgs } from "node:util";

export const HELP = `pnpm bench — helpkey's performance table, measured against a bare Mosquitto in the same run

Usage: pnpm bench [--quick] [options]

Starts the real system as its own process (broker + gateway, SQLite in a temp dir), the
phone-network emulator (the real twilio SDK talks to it), a console observer, and fleets of
emulated help buttons (firmware-sim/src/fleet: N devices per process, 127.0.0.2, .3, … as
source addresses). Then, for Mosquitto and for helpkey: connect storm, quiet presses,
sustained rate, storm; for helpkey also a server restart (all devices reconnect). Prints live
counters while it runs, then a Markdown table; writes tests/bench/results/latest.json and the
plot docs/bench/latency.svg.

  --quick              1,000 devices, 2 fleet processes, 200 presses/s, 40 quiet presses, short
                       phases: under a minute, for development
  --devices N          devices (default 19000; the broker process holds at most ~19.9k sockets)
  --processes K        fleet processes (default: one per 5,000 devices)
  --rate R             sustained presses per second (default 1000)
  --sustained-s S      sustained phase length (default 60; --quick: 4)
  --storm-s W          every device presses once within W seconds (default 10)
  --settle-s S         before the quiet phase, wait at most S s for the server to give back the
                       connect storm's memory (V8 compacting the broker thread's heap; its pauses
                       show in the phase table's "settle" row), so that "quiet" measures a
                       district at rest (default 120; --quick: 0, quiet right after the storm)
  --quiet N            quiet presses, one at a time (default 300)
  --quiet-gap-ms G     pause after each quiet press is acked, seen on the console and at the
                       phone network, and its alert claimed (the contact pressed 1), so its
                       SMS/call traffic is over before the next (default 200; --quick: 50)
  --sms-per-s N        the outbox's HK_SMS_PER_S for the run (default 1000)
  --calls-per-s N      the outbox's HK_CALLS_PER_S for the run (default 1000)
  --no-peer            skip Mosquitto (no ratios)
  --profile            run the server under node --cpu-prof; prints its hottest functions
  --log-level L        the server's HK_LOG_LEVEL (default info, as deployed)
  --out FILE           JSON output (default tests/bench/results/latest.json)
  --no-write           print only: write neither the JSON nor the SVG
  -h, --help           this text

The outbox's rate limits are raised for the run (HK_SMS_PER_S=1000, HK_CALLS_PER_S=1000;
HK_MAX_IN_FLIGHT stays 10): the defaults (1/s, Twilio's per-number limit) would measure the limiter
in "press → first Twilio request". Raised, the emulator (which answers in about a millisecond) takes
far more texts and calls a second than Twilio sells (100 SMS/s on a short code, 30 calls/s), and
their webhooks share the two cores with the acks: --sms-per-s 100 --calls-per-s 30, or 1 and 1
(the gateway's defaults), measure the acks under a provider's real throughput.`;

export interface BenchOptions {
  quick: boolean;
  devices: number;
  processes: number;
  rate: number;
  sustainedS: number;
  stormS: number;
  settleS: number;
  quiet: number;
  quietGapMs: number;
  smsPerS: number;
  callsPerS: number;
  peer: boolean;
  profile: boolean;
  logLevel: string;
  out: string;
  write: boolean;
}

export class UsageError extends Error {}

function num(v: string | undefined, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name} must be a number from ${min} to ${max}, got "${v}"`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: "boolean" }, devices: { type: "string" }, processes: { type: "string" }, rate: { type: "string" },
        "sustained-s": { type: "string" }, "storm-s": { type: "string" }, "settle-s": { type: "string" }, quiet: { type: "string" }, "quiet-gap-ms": { type: "string" }, "no-peer": { type: "boolean" },
        "sms-per-s": { type: "string" }, "calls-per-s": { type: "string" },
        profile: { type: "boolean" }, "log-level": { type: "string" }, out: { type: "string" }, "no-write": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return "help";
  const quick = Boolean(values.quick);
  const devices = num(values.devices, "--devices", 10, 19_900) ?? (quick ? 1000 : 19_000);
  const levels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
  const logLevel = values["log-level"] ?? "info";
  if (!levels.includes(logLevel)) throw new UsageError(`--log-level must be one of ${levels.join(", ")}`);
  return {
    quick,
    devices,
    processes: num(values.processes, "--processes", 1, 16) ?? Math.max(quick ? 2 : 1, Math.ceil(devices / 5000)),
    rate: num(values.rate, "--rate", 1, 20_000) ?? (quick ? 200 : 1000),
    sustainedS: num(values["sustained-s"], "--sustained-s", 1, 600) ?? (quick ? 4 : 60),
    stormS: num(values["storm-s"], "--storm-s", 1, 120) ?? (quick ? 2 : 10),
    settleS: num(values["settle-s"], "--settle-s", 0, 600) ?? (quick ? 0 : 120),
    quiet: num(values.quiet, "--quiet", 1, 5000) ?? (quick ? 40 : 300),
    quietGapMs: num(values["quiet-gap-ms"], "--quiet-gap-ms", 0, 10_000) ?? (quick ? 50 : 200),
    smsPerS: num(values["sms-per-s"], "--sms-per-s", 0.01, 10_000) ?? 1000,
    callsPerS: num(values["calls-per-s"], "--calls-per-s", 0.01, 10_000) ?? 1000,
    peer: !values["no-peer"],
    profile: Boolean(values.profile),
    logLevel,
    out: values.out ?? "tests/bench/results/latest.json",
    write: !values["no-write"],
  };
}
