/**
 * `pnpm bench`: the performance table, measured against a bare Mosquitto in the same run.
 * The flow reads as the list of phases in main(); `--help` says what each option does.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { hrNow } from "@helpkey/firmware-sim/fleet/light-device";
import { analyzeHelpkey, analyzePeer } from "./lib/analysis";
import { FleetPool } from "./lib/fleets";
import { Child } from "./lib/ipc";
import { Live } from "./lib/live";
import { ensureMosquitto, startMosquitto } from "./lib/mosquitto";
import { HELP, parseOptions, UsageError, type BenchOptions } from "./lib/options";
import { forkTs, installSignalHandlers, stopAll } from "./lib/procs";
import { cpuPercent, sampleProc, type ProcSample } from "./lib/proc-stats";
import { summarizeProfiles } from "./lib/profile";
import { goals, markdown, svg, type Results } from "./lib/report";
import { settle } from "./lib/settle";
import { connectStorm, measured, Observations, quietPresses, storm, sustained, waitUntil, type Target } from "./lib/scenarios";
import { alertCounts, closeAllAlerts, seedDatabase } from "./lib/seed";
import { freePort, startServer, type RunningServer } from "./lib/server";
import type { ObserverCommand, ObserverEvent } from "./observer-process";
import type { PhoneCommand, PhoneEvent } from "./phone-process";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ADMIN_TOKEN = "bench-admin-token-0123456789abcdef";
const PHONE_TOKEN = "bench-phone-token-0123456789abcdef";

type Observer = Child<ObserverCommand, ObserverEvent>;
type Phone = Child<PhoneCommand, PhoneEvent>;

function machine(): Results["machine"] {
  return { cpu: os.cpus()[0]?.model.trim() ?? "?", cores: os.cpus().length, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.versions.node, os: `${os.type()} ${os.release()}` };
}

async function startObservers(obs: Observations): Promise<{ observer: Observer; phone: Phone; phoneUrl: string }> {
  const observer: Observer = new Child("observer", forkTs(path.join(ROOT, "tests/bench/observer-process.ts")));
  const phone: Phone = new Child("phone network", forkTs(path.join(ROOT, "tests/bench/phone-process.ts"), [PHONE_TOKEN]));
  const ready = await phone.next("ready", 30_000);
  await Promise.all([observer.calibrate(), phone.calibrate()]);
  observer.on((e) => {
    if (e.t === "samples") {
      for (const s of e.console) obs.console.push([s[0], observer.local(s[1]), s[2], s[3]]);
      for (const s of e.hops) obs.hops.push([s[0], s[1], observer.local(s[2])]);
    } else if (e.t === "counters") {
      obs.frames = e.frames;
      obs.hopCount = e.hops;
    } else if (e.t === "error") process.stderr.write(`observer: ${e.message}\n`);
  });
  phone.on((e) => {
    if (e.t === "samples") for (const s of e.requests) obs.phone.push([s[0], phone.local(s[1]), s[2]]);
    else if (e.t === "counters") {
      obs.sms = e.sms;
      obs.calls = e.calls;
    }
  });
  return { observer, phone, phoneUrl: ready.url };
}

async function observe(observer: Observer, cmd: ObserverCommand): Promise<void> {
  const wait = observer.next("ready", 30_000);
  observer.send(cmd);
  await wait;
}

async function main(o: BenchOptions): Promise<void> {
  const t0 = performance.now();
  const work = mkdtempSync(path.join(os.tmpdir(), "hk-bench-"));
  const dataDir = path.join(work, "data");
  const resultsDir = path.join(ROOT, "tests/bench/results");
  mkdirSync(resultsDir, { recursive: true });
  const serverLog = path.join(resultsDir, "server.log");
  rmSync(serverLog, { force: true });
  // profiles are large and per machine: outside the repository
  const profDir = o.profile ? path.join(os.tmpdir(), "helpkey-bench-profiles", String(Date.now())) : undefined;
  const obs = new Observations();
  const fleets = new FleetPool(o.devices, o.processes);
  let server: RunningServer | null = null;
  let serverProc: ProcSample | null = null;
  let serverCpu = 0;
  /** Open files of the server (19,000 device sockets leave about 1,000 under this machine's limit of 20,000). */
  let serverFds = 0;
  let phaseLabel = "";
  const live = new Live(() => {
    const f = fleets.sum();
    return `${phaseLabel} ready ${f.ready}/${f.devices} | pressed ${f.pressed} acked ${f.acked} pending ${f.pending} retx ${f.retransmits} refused ${f.refused} disconnects ${f.disconnects} (ping timeouts ${f.pingTimeouts}) | console ${(obs.frames["alert.created"] ?? 0) + (obs.frames["alert.pressed"] ?? 0)} | sink ${obs.hopCount} | sms ${obs.sms} calls ${obs.calls} | server ${serverCpu.toFixed(0)}% cpu ${serverFds} fds`;
  });
  const cpuTimer = setInterval(() => {
    const pid = target?.pid();
    const s = pid ? sampleProc(pid) : null;
    if (s && serverProc) serverCpu = cpuPercent(serverProc, s);
    serverProc = s;
    try {
      serverFds = pid ? readdirSync(`/proc/${pid}/fd`).length : 0;
    } catch {
      serverFds = 0; // between a stop and the next start
    }
  }, 1000);
  let target: Target | null = null;
  const results: Results = {
    date: new Date().toISOString(), command: `pnpm bench${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(" ")}` : ""}`, machine: machine(),
    options: { ...o }, settings: { HK_SMS_PER_S: String(o.smsPerS), HK_CALLS_PER_S: String(o.callsPerS), HK_MAX_IN_FLIGHT: "10 (default)", HK_LOG_LEVEL: o.logLevel, scrypt: "device secrets at DEVICE_PARAMS (N=2^10)" },
    helpkey: {}, goals: [], notes: [],
  };
  const spread = o.quick ? 500 : 2000;
  try {
    live.log(`helpkey bench: ${o.devices} devices in ${o.processes} fleet processes${o.quick ? " (quick)" : ""}; data in ${work}`);
    const seeded = await seedDatabase(ROOT, dataDir, o.devices, (s) => live.log(s));
    live.log(`database: ${seeded.cached ? "from the template cache" : "seeded"} in ${(seeded.ms / 1000).toFixed(1)} s`);
    const { observer, phone, phoneUrl } = await startObservers(obs);
    await fleets.start(ROOT);

    // ── the peer: Mosquitto, same devices, same payloads ──
    if (o.peer) {
      const bin = ensureMosquitto((s) => live.log(s));
      const mosq = await startMosquitto(bin, path.join(work, "mosquitto"), await freePort(), path.join(resultsDir, "mosquitto.log"));
      target = { name: "mosquitto", pid: () => mosq.pid };
      await observe(observer, { t: "sink", url: mosq.url, echo: true });
      await sleep(500);
      const rss0 = sampleProc(mosq.pid)!.rssBytes;
      phaseLabel = "";
      live.begin("mosquitto connect");
      const connect = await measured(target, fleets, () => connectStorm(fleets, live, { host: "127.0.0.1", port: mosq.port }, spread, 120_000));
      await sleep(1000);
      const rssPerConnectionKiB = (sampleProc(mosq.pid)!.rssBytes - rss0) / 1024 / o.devices;
      live.begin("mosquitto quiet");
      fleets.flushMode(true);
      observer.send({ t: "flush", immediate: true });
      const hopSeen = (p: { index: number; seq: number }) => obs.hops.some((h) => h[0] === p.index && h[1] === p.seq);
      const quiet = await measured(target, fleets, () => quietPresses(fleets, o.quiet, 20, hopSeen));
      fleets.flushMode(false);
      observer.send({ t: "flush", immediate: false });
      live.begin("mosquitto sustained");
      const sus = await measured(target, fleets, () => sustained(fleets, o.rate, o.sustainedS, 30_000));
      live.begin("mosquitto storm");
      const st = await measured(target, fleets, () => storm(fleets, o.stormS, 60_000));
      live.end();
      await sleep(500);
      results.peer = {
        connect: { ...connect.result, res: connect.res }, rssPerConnectionKiB,
        quiet: { ...analyzePeer(obs, quiet.result), res: quiet.res },
        sustained: { ...analyzePeer(obs, sus.result), res: sus.res, drainedMs: sus.result.drainedMs },
        storm: { ...analyzePeer(obs, st.result), res: st.res, drainedMs: st.result.drainedMs },
      };
      await observe(observer, { t: "close" });
      await fleets.disconnect();
      await mosq.stop();
      target = null;
    }

    // ── helpkey: the real system as its own process ──
    const ports = { http: await freePort(), mqtt: await freePort() };
    const serverOpts = {
      root: ROOT, dataDir, logFile: serverLog, httpPort: ports.http, mqttPort: ports.mqtt, adminToken: ADMIN_TOKEN, cpuProfDir: profDir,
      env: { HK_TWILIO_API_URL: phoneUrl, TWILIO_AUTH_TOKEN: PHONE_TOKEN, HK_SMS_PER_S: String(o.smsPerS), HK_CALLS_PER_S: String(o.callsPerS), HK_LOG_LEVEL: o.logLevel },
    };
    live.log("starting the server…");
    server = await startServer(serverOpts);
    const hk = (): RunningServer => server!;
    target = { name: "helpkey", pid: () => hk().pid, metrics: () => hk().metrics(), helpers: () => [phone.cp.pid!, observer.cp.pid!] };
    await observe(observer, { t: "console", httpUrl: server.httpUrl, token: ADMIN_TOKEN });
    await sleep(1000);
    const rss0 = sampleProc(server.pid)!.rssBytes;
    const m0 = await server.metrics();
    const heap0 = m0.get("nodejs_heap_size_used_bytes") ?? 0;
    const brokerHeap0 = m0.get("hk_broker_thread_heap_used_bytes") ?? 0;
    live.begin("helpkey connect");
    const connect = await measured(target, fleets, () => connectStorm(fleets, live, { host: "127.0.0.1", port: ports.mqtt }, spread, o.quick ? 60_000 : 600_000));
    results.helpkey.connect = { ...connect.result, res: connect.res };
    // let the status messages of the connect storm settle before weighing the memory
    await waitUntil(() => serverCpu < 15, 30_000, 500);
    await sleep(1500);
    const rssAfterStorm = sampleProc(server.pid)!.rssBytes;
    results.helpkey.rssPerDeviceKiB = (rssAfterStorm - rss0) / 1024 / o.devices;
    const m1 = await server.metrics();
    results.helpkey.heapPerDeviceKiB = ((m1.get("nodejs_heap_size_used_bytes") ?? 0) - heap0) / 1024 / o.devices;
    results.helpkey.brokerHeapPerDeviceKiB = ((m1.get("hk_broker_thread_heap_used_bytes") ?? 0) - brokerHeap0) / 1024 / o.devices;

    if (o.settleS > 0) {
      live.begin("helpkey settle");
      const settled = await measured(target, fleets, () => settle(() => hk().pid, rssAfterStorm, o.settleS * 1000));
      results.helpkey.settle = { ...settled.result, res: settled.res };
      if (!settled.result.settled) results.notes.push(`settle: the server's RSS did not fall 10 % below its level after the connect storm within ${o.settleS} s; the quiet phase began anyway`);
    }

    live.begin("helpkey quiet");
    fleets.flushMode(true);
    observer.send({ t: "flush", immediate: true });
    phone.send({ t: "flush", immediate: true });
    const claimed = (p: { index: number; at: number }) => obs.console.some((c) => c[0] === p.index && c[1] >= p.at && c[2] === 3);
    const seenBoth = (p: { index: number; at: number }) =>
      obs.console.some((c) => c[0] === p.index && c[1] >= p.at && c[2] !== 3) && obs.phone.some((s) => s[0] === p.index && s[1] >= p.at);
    const quiet = await measured(target, fleets, () => quietPresses(fleets, o.quiet, o.quietGapMs, seenBoth, claimed));
    results.helpkey.quiet = { ...analyzeHelpkey(fleets, obs, quiet.result), res: quiet.res };
    // the same devices after the quiet phase: what they hold at rest, the connect storm long over
    results.helpkey.rssPerDeviceSettledKiB = (sampleProc(server.pid)!.rssBytes - rss0) / 1024 / o.devices;
    fleets.flushMode(false);
    observer.send({ t: "flush", immediate: false });
    phone.send({ t: "flush", immediate: false });

    live.begin("helpkey sustained");
    const sus = await measured(target, fleets, () => sustained(fleets, o.rate, o.sustainedS, 30_000));
    await sleep(1000);
    results.helpkey.sustained = { ...analyzeHelpkey(fleets, obs, sus.result), res: sus.res, drainedMs: sus.result.drainedMs };

    // the storm starts from a quiet district: every alert closed (bench-only SQL beside the running
    // server, which then has no notification backlog left to work through after its restart)
    await closeAllAlerts(dataDir);
    await waitUntil(() => serverCpu < 15, 60_000, 500);

    // ── restart: stop, start, every device back ──
    live.begin("helpkey restart");
    const restart = await measured(target, fleets, async () => {
      const down = hrNow();
      await hk().stop();
      server = await startServer(serverOpts);
      const startupMs = hrNow() - down;
      const r = await connectStorm(fleets, live, null, 0, o.quick ? 60_000 : 300_000, down);
      return { downToAllMs: r.allMs, readyToAllMs: r.allMs - startupMs, startupMs, connected: r.connected, refused: r.refused };
    });
    results.helpkey.restart = { ...restart.result, res: restart.res };
    await observe(observer, { t: "console", httpUrl: hk().httpUrl, token: ADMIN_TOKEN });
    await waitUntil(() => serverCpu < 15, 30_000, 500);

    live.begin("helpkey storm");
    const stormStartMs = Date.now();
    const phoneBefore = obs.phone.length;
    const st = await measured(target, fleets, () => storm(fleets, o.stormS, 120_000));
    // the outbox drains after the acks: wait (bounded) until every storm press's device has had a
    // phone request after its press (requests for earlier phases' alerts do not count). --quick waits
    // 5 s, which keeps the run under a minute on a slow day (10 s made it 59 s on 2026-12-06); about
    // 700 of its thousand alerts have had their first request by then, the rest count as "missing"
    const pressedAt = new Map(st.result.presses.map((p) => [p.index, p.at]));
    const reached = new Set<number>();
    let scanned = phoneBefore;
    await waitUntil(() => {
      for (; scanned < obs.phone.length; scanned++) {
        const [device, at] = obs.phone[scanned]!;
        if (at >= (pressedAt.get(device) ?? Infinity)) reached.add(device);
      }
      return reached.size >= pressedAt.size;
    }, o.quick ? 5_000 : 120_000, 250);
    live.end();
    const stormA = analyzeHelpkey(fleets, obs, st.result);
    const counts = await alertCounts(dataDir, stormStartMs);
    const duplicateAlerts = [...counts.perHousehold.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
    results.helpkey.storm = {
      // lost = a press the system never stored (its row is the exactly-once record); unacked = stored, but its ack had not reached the device when the drain ended
      ...stormA, res: st.res, drainedMs: st.result.drainedMs, lost: Math.max(0, st.result.presses.length - counts.pressRows), unackedAtEnd: stormA.ack.missing, duplicateAlerts, pressRows: counts.pressRows,
      alertsCreated: [...counts.perHousehold.values()].reduce((n, c) => n + c, 0), twilioPendingAtEnd: stormA.twilio?.missing ?? 0,
    };
    if (counts.pressRows !== st.result.presses.length) results.notes.push(`storm: ${st.result.presses.length} presses but ${counts.pressRows} press rows stored`);
    await observe(observer, { t: "close" });
    await fleets.disconnect();
    live.log("stopping the server…");
    await hk().stop();
    server = null;
    target = null;

    results.goals = goals(results);
    results.notes.push(
      "Load generators, observers, the phone-network emulator and the server share the same 2 cores; the load generators' CPU and the phone network's and console observer's are in the last two columns.",
      "Ack = device publishes the alarm → the gateway commits it (group commit per event-loop turn) → one fsync of the WAL for everything committed so far (store/wal-sync.ts) → the device receives the ack. Mosquitto echo = the same round trip through a broker with an MQTT client that answers at once, nothing stored.",
      "Press at the gateway → committed / on disk: the server's own share of an ack, from the alarm's arrival at the gateway to its commit and to the end of the fsync that covers it (hk_ingest_commit_seconds, hk_ingest_durable_seconds). The rest of the ack's time is the way in (device → broker thread → the gateway's link, waiting for its event loop) and the ack's way out.",
      `Outbox limits for the run: HK_SMS_PER_S=${o.smsPerS}, HK_CALLS_PER_S=${o.callsPerS}, HK_MAX_IN_FLIGHT 10 (the gateway's defaults: 1, 1, 10); the phone network's people answer after 1 s and press 1, in simulated time 50× fast. Sustained: ${o.rate}/s for ${o.sustainedS} s over ${o.devices} devices, so most presses after the first ${Math.round(o.devices / o.rate)} s join an open alert. Before the storm every alert is closed (bench-only SQL through a second connection), so each storm press opens one. Storm acks are waited for up to 120 s after the window.`,
      o.settleS > 0
        ? "Quiet begins once the server has given back the connect storm's memory (settle row): V8 compacts the broker thread's heap then, in three full GCs with pauses of about 40 ms, which would otherwise fall inside the quiet phase (tests/bench/lib/settle.ts)."
        : "Quiet begins right after the connect storm (--settle-s 0): V8's compaction of the broker thread's heap may fall inside it.",
    );
    const md = markdown(results);
    process.stdout.write(`\n${md}\n`);
    if (profDir) process.stdout.write(`\n${summarizeProfiles(profDir)}\n`);
    if (o.write) {
      const outFile = path.resolve(ROOT, o.out);
      mkdirSync(path.dirname(outFile), { recursive: true });
      writeFileSync(outFile, JSON.stringify(results, null, 1) + "\n");
      writeFileSync(path.join(resultsDir, "latest.md"), md + "\n");
      mkdirSync(path.join(ROOT, "docs/bench"), { recursive: true });
      writeFileSync(path.join(ROOT, "docs/bench/latency.svg"), svg(results));
      writeFileSync(path.join(ROOT, "docs/bench/README.md"), [
        "# Benchmark: the latest full run", "",
        `Machine: ${results.machine.cores} cores (${results.machine.cpu}), ${results.machine.memGiB} GiB, ${results.machine.os}, Node ${results.machine.node}.`,
        `Command: \`${results.command}\` (from the repository root; \`pnpm bench --help\` lists the options). Written by the bench itself.`, "",
        "![latency per scenario](latency.svg)", "", md, "",
      ].join("\n"));
      process.stderr.write(`\nwrote ${path.relative(ROOT, outFile)}, tests/bench/results/latest.md and docs/bench/latency.svg (${((performance.now() - t0) / 1000).toFixed(0)} s in all)\n`);
    }
  } finally {
    live.end();
    clearInterval(cpuTimer);
    fleets.exit();
    await stopAll();
    rmSync(work, { recursive: true, force: true });
  }
}

let opts: BenchOptions | "help";
try {
  opts = parseOptions(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`pnpm bench: ${err.message}\n(see pnpm bench --help)\n`);
    process.exit(2);
  }
  throw err;
}
if (opts === "help") {
  process.stdout.write(`${HELP}\n`);
} else {
  installSignalHandlers(() => undefined);
  main(opts).then(
    () => process.exit(0),
    async (err: unknown) => {
      process.stderr.write(`\npnpm bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
      await stopAll();
      process.exit(1);
    },
  );
}
