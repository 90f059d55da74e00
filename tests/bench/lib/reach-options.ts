/** `pnpm bench:storm-reach [...]`: options, checked once. */
import { parseArgs } from "node:util";

export const REACH_HELP = `pnpm bench:storm-reach — how long a building-wide storm of alarms takes to reach people

Usage: pnpm bench:storm-reach [options]

Runs the gateway as its own process (SQLite in a temp dir) and the phone-network emulator as
another (the gateway's real twilio SDK reaches it as a Twilio-compatible server). One building
of households, each with three contacts (priorities 1, 2, 3; the third is the grid worker, who
alone is texted about a service request) and a help button. Then, per scenario, the alarms are
pressed within the given seconds, kinds mixed (fires, medical, emergencies, a few service
requests, shuffled), and the run waits until every alert's first contact has been called and
every alarm (service requests aside) has been texted. Prints press → first SMS and press → first
call (p50 / p99 / max, and per kind), whether the most urgent alarms were served first, and
when the last first-wave call went out beside its floor (callable alarms ÷ calls per second).
Live progress goes to stderr every few seconds.

Scenarios:
  default   Twilio's defaults: one From number at 1 SMS/s, 1 call/s for the account
  pool      a pool: N From numbers (each 1 SMS/s) or a Messaging Service of N numbers, N calls/s

  --alarms N           alarms in the storm, one household each (default 200; 10 to 1000)
  --seconds S          the alarms are pressed within S seconds (default 10)
  --scenario X         default, pool or both (default both)
  --pool N             the pool scenario's senders and calls per second (default 10)
  --pool-sender X      numbers (TWILIO_FROM lists N numbers) or service (a Messaging Service,
                       TWILIO_MESSAGING_SERVICE_SID with HK_SMS_SENDERS=N) (default numbers)
  --press-1            the emulator's people press 1 when called (default: nobody does, so the
                       cascade goes on to later waves while the first waves are still going out)
  --timeout-s T        give up on a scenario after T seconds (default: 3 × its floor + 120)
  -h, --help           this text

Goals (exit 3 when one is missed): the most urgent alarms first (no alarm served after a less
urgent one pressed no earlier), every alert's first call before any later wave, the last
first-wave call within 10 % of its floor. Exit 0: every goal met; 1: the run failed; 2: bad usage.`;

export class UsageError extends Error {}

export interface ReachOptions {
  alarms: number;
  seconds: number;
  scenarios: ("default" | "pool")[];
  pool: number;
  poolSender: "numbers" | "service";
  press1: boolean;
  timeoutS: number | null;
}

function num(v: string | undefined, name: string, dflt: number, min: number, max: number, int = true): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max || (int && !Number.isInteger(n))) throw new UsageError(`${name} must be a${int ? "n integer" : " number"} from ${min} to ${max}, got "${v}"`);
  return n;
}

export function parseReachOptions(argv: string[]): ReachOptions | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        alarms: { type: "string" }, seconds: { type: "string" }, scenario: { type: "string" }, pool: { type: "string" },
        "pool-sender": { type: "string" }, "press-1": { type: "boolean" }, "timeout-s": { type: "string" }, help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return "help";
  const scenario = values.scenario ?? "both";
  if (!["default", "pool", "both"].includes(scenario)) throw new UsageError(`--scenario must be default, pool or both, got "${scenario}"`);
  const poolSender = values["pool-sender"] ?? "numbers";
  if (poolSender !== "numbers" && poolSender !== "service") throw new UsageError(`--pool-sender must be numbers or service, got "${poolSender}"`);
  return {
    alarms: num(values.alarms, "--alarms", 200, 10, 1000),
    seconds: num(values.seconds, "--seconds", 10, 0.1, 600, false),
    scenarios: scenario === "both" ? ["default", "pool"] : [scenario as "default" | "pool"],
    pool: num(values.pool, "--pool", 10, 2, 100),
    poolSender,
    press1: values["press-1"] ?? false,
    timeoutS: values["timeout-s"] === undefined ? null : num(values["timeout-s"], "--timeout-s", 0, 10, 7200),
  };
}
