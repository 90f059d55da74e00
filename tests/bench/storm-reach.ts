/**
 * `pnpm bench:storm-reach`: a building-wide storm of alarms, and how long each takes to reach a
 * person at the provider's real limits. The gateway and the phone network run as processes of
 * their own; what a family's phone receives is time-stamped at the network. `--help` says more.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { createSimDevice, type SimDevice } from "@helpkey/firmware-sim/device";
import { hrNow } from "@helpkey/firmware-sim/fleet/light-device";
import { kindPriority, type AlarmKind } from "@helpkey/shared";
import { Child } from "./lib/ipc";
import { Live } from "./lib/live";
import { forkTs, installSignalHandlers, stopAll } from "./lib/procs";
import { delays, priorityOrder, spearman, waves, type AlertReach, type CallSeen } from "./lib/reach-analysis";
import { parseReachOptions, REACH_HELP, UsageError, type ReachOptions } from "./lib/reach-options";
import { ofContactPhone, setupBuilding, stormKinds, type ReachHousehold } from "./lib/reach-setup";
import { closeAllAlerts } from "./lib/seed";
import { freePort, scrapeMetrics, startServer } from "./lib/server";
import type { ReachPhoneCommand, ReachPhoneEvent, ReachRequest } from "./reach-phone-process";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ADMIN = "bench-admin-token-0123456789abcdef";
const PHONE_TOKEN = "bench-reach-phone-token-0123456789";
const SERVICE_SID = "MG00000000000000000000000000000022";
/** Requests sent together reach the network in any order: closer than this counts as the same moment. */
const SAME_MOMENT_MS = 50;
const EXIT = { ok: 0, failed: 1, usage: 2, goalMissed: 3 } as const;

interface Scenario {
  name: "default" | "pool";
  label: string;
  env: Record<string, string>;
  smsPerS: number;
  callsPerS: number;
}

interface Outcome {
  scenario: Scenario;
  alerts: AlertReach[];
  calls: CallSeen[];
  startAt: number;
  timedOut: boolean;
}

function scenarioOf(name: Scenario["name"], o: ReachOptions): Scenario {
  const numbers = (n: number) => Array.from({ length: n }, (_, i) => `+1555100${String(i + 1).padStart(4, "0")}`);
  if (name === "default") return { name, label: "Twilio's defaults: 1 sender at 1 SMS/s, 1 call/s", env: { TWILIO_FROM: numbers(1).join(","), HK_SMS_PER_S: "1", HK_CALLS_PER_S: "1" }, smsPerS: 1, callsPerS: 1 };
  const sms: Record<string, string> = o.poolSender === "service"
    ? { TWILIO_FROM: numbers(1).join(","), TWILIO_MESSAGING_SERVICE_SID: SERVICE_SID, HK_SMS_SENDERS: String(o.pool) }
    : { TWILIO_FROM: numbers(o.pool).join(",") };
  const what = o.poolSender === "service" ? `a Messaging Service of ${o.pool} numbers` : `${o.pool} From numbers`;
  return { name, label: `a pool: ${what} at 1 SMS/s each, ${o.pool} calls/s`, env: { ...sms, HK_SMS_PER_S: "1", HK_CALLS_PER_S: String(o.pool) }, smsPerS: o.pool, callsPerS: o.pool };
}

async function main(o: ReachOptions): Promise<number> {
  installSignalHandlers(() => undefined);
  const work = mkdtempSync(path.join(os.tmpdir(), "hk-storm-reach-"));
  const dataDir = path.join(work, "data");
  let progressLine = () => "";
  const live = new Live(() => progressLine());
  try {
    const phone = new Child<ReachPhoneCommand, ReachPhoneEvent>("phone network", forkTs(path.join(ROOT, "tests/bench/reach-phone-process.ts"), [PHONE_TOKEN, o.press1 ? "press1" : "silent"]));
    const ready = await phone.next("ready", 30_000);
    await phone.calibrate();
    let seen: ReachRequest[] = [];
    phone.on((e) => {
      if (e.t === "requests") for (const r of e.requests) seen.push([r[0], r[1], r[2], phone.local(r[3])]);
    });
    const ports = { http: await freePort(), mqtt: await freePort() };
    const kinds = stormKinds(o.alarms);
    let homes: ReachHousehold[] | null = null;
    const outcomes: Outcome[] = [];
    const mix = (["fire", "medical", "emergency", "service"] as const).map((k) => `${kinds.filter((x) => x === k).length} ${k}`).join(", ");
    live.log(`storm-reach: ${o.alarms} alarms in ${o.seconds} s (${mix}); data in ${work}`);

    for (const name of o.scenarios) {
      const sc = scenarioOf(name, o);
      const server = await startServer({
        root: ROOT, dataDir, logFile: path.join(work, `server-${name}.log`), httpPort: ports.http, mqttPort: ports.mqtt, adminToken: ADMIN,
        env: { HK_TWILIO_API_URL: ready.url, TWILIO_AUTH_TOKEN: PHONE_TOKEN, HK_LOG_LEVEL: "warn", ...sc.env },
      });
      const api = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
        const res = await fetch(`${server.httpUrl}${url}`, { method, headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
        if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
        return (await res.json()) as T;
      };
      if (!homes) {
        live.log(`setting up ${o.alarms} households through the API…`);
        homes = await setupBuilding(api, o.alarms, (n) => live.log(`  ${n}/${o.alarms}`));
      }
      const devices: SimDevice[] = homes.map((h) => createSimDevice({ url: server.mqttUrl, id: h.deviceId, secret: h.secret, stateDir: path.join(work, "devices") }));
      await Promise.all(devices.map((d) => d.waitForConnect(30_000)));

      const callable = kinds.filter((k) => k !== "service").length;
      const texted = callable; // every alarm but the service requests (texted to their grid worker only, behind every family's texts)
      const floorS = Math.max(callable / sc.callsPerS, texted / sc.smsPerS);
      const timeoutS = o.timeoutS ?? Math.ceil(3 * floorS + 120);
      seen = [];
      const pressAt: number[] = [];
      let acked = 0;
      let depth = { sms: 0, call: 0 };
      const firstSms = new Set<number>();
      const firstWave = new Set<number>();
      let later = 0;
      const tally = () => {
        firstSms.clear();
        firstWave.clear();
        later = 0;
        for (const [kind, to] of seen) {
          const who = ofContactPhone(to);
          if (!who) continue;
          if (kind === 1) firstSms.add(who.index);
          else if (who.contact === 1 && !firstWave.has(who.index)) firstWave.add(who.index);
          else later++;
        }
      };
      progressLine = () => `pressed ${pressAt.length}/${o.alarms} acked ${acked} | first SMS ${firstSms.size}/${o.alarms} | first-wave calls ${firstWave.size}/${callable} | later-wave calls ${later} | queued sms ${depth.sms} calls ${depth.call}`;
      const depthTimer = setInterval(() => {
        scrapeMetrics(server.httpUrl).then((m) => (depth = { sms: m.get('hk_outbox_depth{channel="sms"}') ?? 0, call: m.get('hk_outbox_depth{channel="call"}') ?? 0 }), () => undefined);
      }, 2000);
      live.begin(name);
      const startAt = hrNow();
      const gapMs = (o.seconds * 1000) / o.alarms;
      for (const [i, d] of devices.entries()) {
        const wait = startAt + i * gapMs - hrNow();
        if (wait > 0) await sleep(wait);
        const { seq } = d.press({ kind: kinds[i]! });
        pressAt[i] = hrNow();
        void d.waitForAck(seq, "received", 120_000).then(() => acked++, () => undefined);
      }
      let timedOut = false;
      for (;;) {
        tally();
        const textedAll = kinds.every((k, i) => k === "service" || firstSms.has(i));
        if (firstWave.size >= callable && textedAll) break;
        if (hrNow() - startAt > timeoutS * 1000) {
          timedOut = true;
          break;
        }
        await sleep(500);
      }
      await sleep(200); // the phone network reports every 200 ms
      clearInterval(depthTimer);
      live.end();
      for (const d of devices) await d.close();
      await server.stop();
      await closeAllAlerts(dataDir);
      outcomes.push(analyse(sc, kinds, pressAt, seen, startAt, timedOut));
    }
    phone.send({ t: "exit" });
    const goalsMet = report(o, outcomes);
    return goalsMet ? EXIT.ok : EXIT.goalMissed;
  } finally {
    live.end();
    await stopAll();
    rmSync(work, { recursive: true, force: true });
  }
}

function analyse(scenario: Scenario, kinds: AlarmKind[], pressAt: number[], seen: ReachRequest[], startAt: number, timedOut: boolean): Outcome {
  const alerts: AlertReach[] = kinds.map((kind, i) => ({ kind, priority: kindPriority[kind], pressAt: pressAt[i]!, firstSmsAt: null, firstCallAt: null, callable: kind !== "service" }));
  const calls: CallSeen[] = [];
  for (const [kind, to, , at] of seen) {
    const who = ofContactPhone(to);
    if (!who) continue;
    const a = alerts[who.index]!;
    if (kind === 1) a.firstSmsAt = Math.min(a.firstSmsAt ?? Infinity, at);
    else {
      a.firstCallAt = Math.min(a.firstCallAt ?? Infinity, at);
      calls.push({ alert: who.index, contact: who.contact, at });
    }
  }
  return { scenario, alerts, calls, startAt, timedOut };
}

const s = (ms: number | null | undefined) => (ms === null || ms === undefined || !Number.isFinite(ms) ? "–" : `${(ms / 1000).toFixed(1)} s`);

/** Prints the tables and the goals; returns whether every goal was met. */
function report(o: ReachOptions, outcomes: Outcome[]): boolean {
  let ok = true;
  const out: string[] = [`command: pnpm bench:storm-reach${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(" ")}` : ""}`, `machine: ${os.cpus()[0]?.model.trim() ?? "?"}, ${os.cpus().length} cores, Node ${process.versions.node}`, ""];
  for (const r of outcomes) {
    const { alerts, scenario } = r;
    const family = alerts.filter((a) => a.callable);
    const service = alerts.filter((a) => !a.callable);
    out.push(`### ${scenario.label}: ${o.alarms} alarms in ${o.seconds} s${r.timedOut ? " (TIMED OUT before every first contact was reached)" : ""}`, "");
    out.push("| press → | p50 | p99 | max | alerts |", "|---|---|---|---|---|");
    const row = (label: string, list: AlertReach[], pick: (a: AlertReach) => number | null) => {
      const d = delays(list, pick);
      out.push(`| ${label} | ${s(d?.p50)} | ${s(d?.p99)} | ${s(d?.max)} | ${d?.n ?? 0} of ${list.length} |`);
    };
    row("first SMS (fire, medical, emergency)", family, (a) => a.firstSmsAt);
    row("first SMS (service, grid worker)", service, (a) => a.firstSmsAt);
    row("first call", family, (a) => a.firstCallAt);
    for (const k of ["fire", "medical", "emergency"]) row(`first call, ${k}`, family.filter((a) => a.kind === k), (a) => a.firstCallAt);
    out.push("");
    const byCall = priorityOrder(family, (a) => a.firstCallAt, SAME_MOMENT_MS);
    const bySms = priorityOrder(alerts, (a) => a.firstSmsAt, SAME_MOMENT_MS);
    const fires = priorityOrder(family.filter((a) => a.kind === "fire" || a.kind === "emergency"), (a) => a.firstCallAt, SAME_MOMENT_MS);
    const called = family.filter((a) => a.firstCallAt !== null);
    const rho = spearman(called.map((a) => a.priority), called.map((a) => a.firstCallAt!));
    const w = waves(r.calls, family.length);
    const firstWaveS = w.lastFirstWaveAt === null ? null : w.lastFirstWaveAt - r.startAt;
    const floorMs = (family.length / scenario.callsPerS) * 1000;
    const smsDone = alerts.reduce((m, a) => (a.callable && a.firstSmsAt !== null ? Math.max(m, a.firstSmsAt) : m), -Infinity) - r.startAt;
    out.push(
      `- served against priority (a more urgent alarm pressed no later, served more than ${SAME_MOMENT_MS} ms after a less urgent one): first calls ${byCall.inversions} of ${byCall.pairs} pairs, first SMS ${bySms.inversions} of ${bySms.pairs} pairs`,
      `- fires called before every emergency pressed no earlier: ${fires.inversions === 0 ? "yes" : `no (${fires.inversions} pairs)`}; rank correlation of priority and time of first call (Spearman): ${rho === null ? "–" : rho.toFixed(2)}`,
      `- every alert's first call before any later wave: ${w.laterBeforeLastFirst === 0 ? "yes" : `no (${w.laterBeforeLastFirst} later-wave calls before the last first-wave call)`} (last first-wave call ${s(firstWaveS)} after the first press, first later-wave call ${w.firstLaterAt === null ? "none before the run ended" : s(w.firstLaterAt - r.startAt)})`,
      `- every first-wave contact called after ${s(firstWaveS)}; floor ${family.length} alarms ÷ ${scenario.callsPerS} call/s = ${s(floorMs)}: ${firstWaveS === null ? "–" : `${(firstWaveS / floorMs).toFixed(2)}×`} (goal ≤ 1.10×)`,
      `- every family alarm texted after ${s(smsDone)}; floor ${family.length} ÷ ${scenario.smsPerS} SMS/s = ${s((family.length / scenario.smsPerS) * 1000)}`,
      "",
    );
    const goals: [string, boolean][] = [
      ["the most urgent alarms first", byCall.inversions === 0 && bySms.inversions === 0],
      ["every alert's first call before any later wave", w.laterBeforeLastFirst === 0 && w.lastFirstWaveAt !== null],
      ["the last first-wave call within 10 % of the floor", firstWaveS !== null && firstWaveS <= 1.1 * floorMs],
    ];
    for (const [g, met] of goals) out.push(`goal: ${g}: ${met ? "met" : "MISSED"}`);
    out.push("");
    ok &&= goals.every(([, met]) => met) && !r.timedOut;
  }
  console.log(out.join("\n"));
  return ok;
}

let opts: ReachOptions | "help";
try {
  opts = parseReachOptions(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  console.error(`${err.message}\n\n${REACH_HELP}`);
  process.exit(EXIT.usage);
}
if (opts === "help") {
  console.log(REACH_HELP);
  process.exit(EXIT.ok);
}
main(opts).then(
  (code) => process.exit(code),
  async (err: unknown) => {
    console.error(err);
    await stopAll();
    process.exit(EXIT.failed);
  },
);
