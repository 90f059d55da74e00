/**
 * `pnpm soak`: abuse for minutes on end against the gateway as its own process, while a
 * well-behaved device (a process of its own) presses four times a second throughout and its acks are timed.
 * 1. quiet: the device alone (the peer every other phase is compared with);
 * 2. memory: wrong-password CONNECTs for 20 s, then 60 s idle: the gateway's RSS before, at its
 *    peak and after;
 * 3. until the time is up, in turn: 2,000 fuzzed MQTT inputs, 300 fuzzed HTTP bodies, 10 s of
 *    wrong-password CONNECTs, 10 s of a neighbour device flooding over its rate limit and
 *    reconnecting at once.
 * RSS and the device's ack p50/p99 every 10 s; at the end a table for the README, and whether the
 * gateway is still up with its store unchanged.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ChildProcess } from "node:child_process";
import { hrNow } from "@helpkey/firmware-sim/fleet/light-device";
import { openDb } from "@helpkey/gateway/db/open";
import { createHousehold } from "../helpers/community";
import { answerFault, httpInputs, routeTargets, sendHttpInputs } from "../helpers/http-fuzz";
import { mqttInputs, runInputs, type FuzzDevice } from "../helpers/mqtt-fuzz";
import { startNeighbourFlood } from "../helpers/neighbour-flood";
import { fingerprint } from "../helpers/store-fingerprint";
import { makeApi } from "../helpers/system";
import { forkTs, installSignalHandlers, stopAll } from "./lib/procs";
import { freePort, startServer, type RunningServer } from "./lib/server";
import { wrongPasswordFlood } from "./lib/wrong-password-flood";

const HELP = `pnpm soak — abuse for minutes on end; a well-behaved device's acks and the gateway's memory

Usage: pnpm soak [--minutes N]

  --minutes N   how long in all (default 10; at least 3: the quiet and memory phases take 110 s)
  -h, --help    this text

The gateway runs as its own process on a fresh data directory. A well-behaved device (a process
of its own) presses four times a second throughout. Phases: quiet (the peer), memory (20 s of wrong-password CONNECTs at
500/s, then 60 s idle: RSS before, peak, after), then in turn until the time is up: 2,000 fuzzed
MQTT inputs, 300 fuzzed HTTP bodies, 10 s of wrong-password CONNECTs, 10 s of a neighbour device
flooding over its rate limit. Prints RSS and the device's ack p50/p99 every 10 s, and a table at
the end. Exit status 1 if the gateway died, an HTTP answer was not a 4xx with an error code, or
the store changed.`;

const { values } = parseArgs({ options: { minutes: { type: "string" }, help: { type: "boolean", short: "h" } } });
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const MINUTES = Number(values.minutes ?? 10);
if (!Number.isFinite(MINUTES) || MINUTES < 3) {
  console.error(`--minutes must be a number, at least 3\n\n${HELP}`);
  process.exit(2);
}

const root = fileURLToPath(new URL("../..", import.meta.url));
const ADMIN = "soak-admin-token-0123456789abcdef";
const log = (s: string) => process.stdout.write(`${s}\n`);
const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
const pct = (xs: number[], q: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]! : NaN);
const ms = (v: number) => (Number.isNaN(v) ? "–" : `${v.toFixed(1)} ms`);
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

type Phase = "quiet" | "memory flood" | "memory idle" | "MQTT fuzz" | "HTTP fuzz" | "wrong-password flood" | "neighbour flood";

interface Sample { at: number; phase: Phase; ms: number }

async function main(): Promise<number> {
  installSignalHandlers(() => undefined);
  const dir = mkdtempSync(path.join(tmpdir(), "hk-soak-"));
  let server: RunningServer | undefined;
  let device: ChildProcess | undefined;
  try {
    server = await startServer({ root, dataDir: dir, logFile: path.join(dir, "server.log"), httpPort: await freePort(), mqttPort: await freePort(), adminToken: ADMIN, env: { HK_LOG_LEVEL: "warn", HK_SMS_PER_S: "50", HK_CALLS_PER_S: "50" } });
    const s = server;
    const api = makeApi(s.httpUrl, ADMIN);
    const port = Number(new URL(s.mqttUrl).port);
    log(`soak: ${MINUTES} min against the gateway (pid ${s.pid}); data and log in ${dir}`);

    // who takes part: the good device, 50 fuzz devices, a neighbour, 50 devices that never connect
    const home = await createHousehold(api, { contacts: [{ name: "Daughter", phone: "+8613800001001", priority: 1 }] });
    const fuzzHome = await createHousehold(api, { contacts: [{ name: "Son", phone: "+8613800002001", priority: 1 }] });
    const neighbour = await createHousehold(api, { contacts: [{ name: "Neighbour", phone: "+8613800003001", priority: 1 }] });
    const fuzzDevices: FuzzDevice[] = [{ id: fuzzHome.device.id, secret: fuzzHome.device.secret }];
    const idle: string[] = [];
    for (let i = 0; i < 99; i++) {
      const r = await api<{ id: string; secret: string }>("POST", "/api/devices", { householdId: fuzzHome.householdId, type: "button" });
      if (i < 49) fuzzDevices.push({ id: r.body.id, secret: r.body.secret });
      else idle.push(r.body.id);
    }
    const doc = await (await fetch(`${s.httpUrl}/docs/json`)).json() as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => ({ method: m.toUpperCase(), url: p.replace(/\{([^}]+)\}/g, ":$1"), websocket: false })));
    const targets = routeTargets(routes, doc as never);
    const except = { householdIds: [home.householdId, neighbour.householdId] };
    const storeBefore = (() => {
      const db = openDb(dir).$client;
      try {
        return fingerprint(db, except);
      } finally {
        db.close();
      }
    })();

    // the well-behaved device, four times a second throughout (its rate limit is 5), in a process of its own
    let phase: Phase = "quiet";
    const timeline: { at: number; phase: Phase }[] = [];
    const setPhase = (p: Phase) => {
      phase = p;
      timeline.push({ at: hrNow(), phase: p });
    };
    const phaseAt = (at: number) => timeline.findLast((x) => x.at <= at)?.phase ?? "quiet";
    const samples: Sample[] = [];
    const unanswered = { n: 0 };
    device = forkTs(path.join(root, "tests/bench/lib/good-device-process.ts"), [JSON.stringify({ url: s.mqttUrl, id: home.device.id, secret: home.device.secret, everyMs: 250 })]);
    const good = device;
    await new Promise<void>((resolve, reject) => {
      good.once("message", () => resolve());
      good.once("exit", (code) => reject(new Error(`the good device's process exited (${code})`)));
    });
    good.on("message", (m) => {
      const [at, took] = m as [number, number | null];
      if (took === null) unanswered.n++;
      else samples.push({ at: at - performance.timeOrigin, phase: phaseAt(at), ms: took });
    });
    setPhase("quiet");

    // every 10 s: RSS and the last 10 s of acks beside quiet
    const rss: { at: number; phase: Phase; bytes: number }[] = [];
    const started = performance.now();
    const ticker = setInterval(() => {
      const p = s.proc();
      if (p) rss.push({ at: performance.now(), phase, bytes: p.rssBytes });
      const since = performance.now() - 10_000;
      const recent = samples.filter((x) => x.at >= since).map((x) => x.ms);
      const quiet = samples.filter((x) => x.phase === "quiet").map((x) => x.ms);
      log(`  ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s  ${phase.padEnd(20)} RSS ${mb(p?.rssBytes ?? 0).padStart(7)}   acks last 10 s p50 ${ms(pct(recent, 0.5))} p99 ${ms(pct(recent, 0.99))}   quiet p50 ${ms(pct(quiet, 0.5))} p99 ${ms(pct(quiet, 0.99))}`);
    }, 10_000);
    const deadline = started + MINUTES * 60_000;
    const totals = { mqttInputs: 0, httpInputs: 0, httpFaults: [] as string[], connects: 0, neighbourPublishes: 0, neighbourConnections: 0 };

    // RSS twice a second: a garbage collection moves it by tens of MB, so "before" and "after" are medians over 10 s
    const rssTrace: { at: number; bytes: number }[] = [];
    const rssWatch = setInterval(() => rssTrace.push({ at: performance.now(), bytes: s.proc()?.rssBytes ?? 0 }), 500);
    const medianSince = (since: number) => pct(rssTrace.filter((x) => x.at >= since).map((x) => x.bytes), 0.5);
    await sleep(Math.max(30_000, MINUTES * 6_000));

    // memory: does a 20 s flood leave memory held a minute later?
    const memory = { before: medianSince(performance.now() - 10_000), peak: 0, after: 0, brokerHeapAfter: 0 };
    const floodFrom = performance.now();
    setPhase("memory flood");
    const memFlood = wrongPasswordFlood({ port, source: "127.0.0.2", ids: idle, perSecond: 500, seconds: 20 });
    await memFlood.finished;
    totals.connects += memFlood.sent;
    setPhase("memory idle");
    await sleep(60_000);
    memory.peak = Math.max(...rssTrace.filter((x) => x.at >= floodFrom).map((x) => x.bytes));
    memory.after = medianSince(performance.now() - 10_000);
    clearInterval(rssWatch);
    memory.brokerHeapAfter = (await s.metrics()).get("hk_broker_thread_heap_used_bytes") ?? 0;
    log(`  memory: RSS ${mb(memory.before)} before a 20 s wrong-password flood (${memFlood.sent} CONNECTs), peak ${mb(memory.peak)}, ${mb(memory.after)} after 60 s idle (medians of 10 s)`);

    // the rest: each kind of abuse in turn until the time is up
    const neighbourFlood = await startNeighbourFlood({ port, localAddress: "127.0.0.5", id: neighbour.device.id, secret: neighbour.device.secret, burst: 200 });
    let round = 0;
    try {
      while (performance.now() < deadline - 15_000) {
        round++;
        setPhase("MQTT fuzz");
        const inputs = mqttInputs(2_000, Date.now() % 1_000_000_007, fuzzDevices);
        await runInputs(port, inputs, { concurrency: 200, sources: Array.from({ length: 20 }, (_, i) => `127.0.1.${i + 1}`) });
        totals.mqttInputs += inputs.length;
        if (performance.now() > deadline - 15_000) break;
        setPhase("HTTP fuzz");
        const bodies = httpInputs(targets, 300, Date.now() % 1_000_000_007);
        const answers = await sendHttpInputs(s.httpUrl, ADMIN, bodies, 16);
        totals.httpInputs += bodies.length;
        answers.forEach((a, i) => {
          const fault = answerFault(a);
          if (fault && totals.httpFaults.length < 10) totals.httpFaults.push(`${bodies[i]!.method} ${bodies[i]!.path}: ${fault}`);
        });
        if (performance.now() > deadline - 15_000) break;
        setPhase("wrong-password flood");
        const f = wrongPasswordFlood({ port, source: `127.0.2.${(round % 200) + 1}`, ids: idle, perSecond: 500, seconds: 10 });
        await f.finished;
        totals.connects += f.sent;
        if (performance.now() > deadline - 15_000) break;
        setPhase("neighbour flood");
        await neighbourFlood.flood();
        await sleep(10_000);
        await neighbourFlood.pause();
      }
      const c = await neighbourFlood.counts();
      totals.neighbourPublishes = c.publishes;
      totals.neighbourConnections = c.connections;
    } finally {
      await neighbourFlood.stop();
    }
    setPhase("quiet");
    const exited = new Promise<void>((resolve) => good.once("exit", () => resolve()));
    good.send("stop");
    await exited;
    device = undefined;
    clearInterval(ticker);

    // after: alive, healthy, and nothing stored that should not be
    const alive = s.proc() !== null && (await fetch(`${s.httpUrl}/healthz`).then((r) => r.status, () => 0)) === 200;
    const storeAfter = (() => {
      const db = openDb(dir).$client;
      try {
        return fingerprint(db, except);
      } finally {
        db.close();
      }
    })();
    const unchanged = JSON.stringify(storeAfter) === JSON.stringify(storeBefore);
    const refusals = [...(await s.metrics()).entries()].filter(([k]) => k.startsWith("hk_mqtt_refusals_total{")).map(([k, v]) => `${k.slice(k.indexOf('"') + 1, -2)} ${v}`);

    const phases: Phase[] = ["quiet", "memory flood", "memory idle", "MQTT fuzz", "HTTP fuzz", "wrong-password flood", "neighbour flood"];
    const quiet = samples.filter((x) => x.phase === "quiet").map((x) => x.ms);
    log(`\nsoak: ${MINUTES} min, ${round} rounds; ${totals.mqttInputs} MQTT inputs, ${totals.httpInputs} HTTP bodies, ${totals.connects} wrong-password CONNECTs, neighbour: ${totals.neighbourPublishes} publishes over ${totals.neighbourConnections} connections`);
    log(`refusals counted: ${refusals.join(", ")}`);
    log(`gateway alive and healthy: ${alive ? "yes" : "NO"}; store unchanged: ${unchanged ? "yes" : "NO"}; HTTP answers not a 4xx with an error code: ${totals.httpFaults.length}; presses not acked within 10 s: ${unanswered.n}\n`);
    log("| phase | presses | ack p50 | ack p99 | p99 ÷ quiet p99 | gateway RSS |");
    log("|---|---:|---:|---:|---:|---|");
    for (const p of phases) {
      const xs = samples.filter((x) => x.phase === p).map((x) => x.ms);
      const r = rss.filter((x) => x.phase === p).map((x) => x.bytes);
      if (!xs.length) continue;
      const ratio = pct(xs, 0.99) / pct(quiet, 0.99);
      log(`| ${p} | ${xs.length} | ${ms(pct(xs, 0.5))} | ${ms(pct(xs, 0.99))} | ${ratio.toFixed(2)} | ${r.length ? `${mb(Math.min(...r))}–${mb(Math.max(...r))}` : "–"} |`);
    }
    log(`\nmemory phase: RSS ${mb(memory.before)} before (median of the 10 s before), peak ${mb(memory.peak)}, ${mb(memory.after)} after 60 s idle (median of its last 10 s); broker thread heap in use then: ${mb(memory.brokerHeapAfter)}`);
    for (const f of totals.httpFaults) log(`  HTTP fault: ${f}`);
    return alive && unchanged && totals.httpFaults.length === 0 ? 0 : 1;
  } finally {
    device?.kill("SIGTERM");
    await server?.stop();
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    void stopAll().finally(() => process.exit(1));
  },
);
