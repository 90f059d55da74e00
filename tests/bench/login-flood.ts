/**
 * `pnpm bench:login-flood`: does a flood of wrong logins slow alarm acks, or lock a dispatcher out?
 * The gateway runs as its own process; quiet presses (one at a time, each from its own device) are
 * timed press → ack with no flood, then during 200 wrong logins a second from one address, then from
 * 200 addresses (each within its own budget, so every try reaches the password hash until the hash
 * lane is full). Mid-phase the dispatcher logs in from her own desk (a browser that logged in
 * before, so it carries the known-browser cookie), and from a browser she never used. The peer is
 * the same run's no-flood phase: each flood phase is reported as a ratio to it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createSimDevice, type SimDevice } from "@helpkey/firmware-sim/device";
import { forkTs, installSignalHandlers, stopAll } from "./lib/procs";
import { freePort, startServer } from "./lib/server";
import { summarize } from "./lib/stats";

const HELP = `pnpm bench:login-flood — press → ack latency during a flood of wrong logins

Usage: pnpm bench:login-flood [--presses N] [--rate R] [--gap-ms MS]

  --presses N   quiet presses per phase (default 100)
  --rate R      wrong logins per second during the flood phases (default 200)
  --gap-ms MS   pause between two presses (default 150)
  -h, --help    this text

Phases: no flood (the peer), R/s from one source address, R/s from 200 source addresses.
Prints press → ack p50 / p99 / max per phase, the ratio to the no-flood phase, what the flood
was answered (401 / 429 / 503) and whether the dispatcher's own login went through, from her
desk's browser and from one she never used.`;

const { values } = parseArgs({ options: { presses: { type: "string" }, rate: { type: "string" }, "gap-ms": { type: "string" }, help: { type: "boolean", short: "h" } } });
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const PRESSES = Number(values.presses ?? 100);
const RATE = Number(values.rate ?? 200);
const GAP_MS = Number(values["gap-ms"] ?? 150);
for (const [k, v] of [["--presses", PRESSES], ["--rate", RATE], ["--gap-ms", GAP_MS]] as const) {
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`${k} must be a positive number\n\n${HELP}`);
    process.exit(2);
  }
}

const root = fileURLToPath(new URL("../..", import.meta.url));
const ADMIN = "bench-admin-token-0123456789abcdef";
const DESK = { username: "desk", password: "correct horse battery staple" };
const log = (s: string) => process.stderr.write(`${s}\n`);

interface PhaseResult {
  label: string;
  ack: number[];
  desk: { status: number; ms: number } | null;
  newBrowser: { status: number; ms: number } | null;
  flood: { sent: number; seconds: number; statuses: Record<string, number> } | null;
}

async function main(): Promise<void> {
  installSignalHandlers(() => undefined);
  const dir = mkdtempSync(path.join(tmpdir(), "hk-login-flood-"));
  try {
    const server = await startServer({
      root, dataDir: dir, logFile: path.join(dir, "server.log"), httpPort: await freePort(), mqttPort: await freePort(), adminToken: ADMIN,
      env: { HK_LOG_LEVEL: "warn", HK_SMS_PER_S: "50", HK_CALLS_PER_S: "50" },
    });
    const api = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${server.httpUrl}${url}`, { method, headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
      if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
      return (res.status === 204 ? undefined : await res.json()) as T;
    };
    log(`login-flood: setting up ${PRESSES} households`);
    const { id: communityId } = await api<{ id: number }>("POST", "/api/communities", { name: "Bench", language: "en" });
    const { id: buildingId } = await api<{ id: number }>("POST", "/api/buildings", { communityId, name: "B1" });
    const { id: unitId } = await api<{ id: number }>("POST", "/api/units", { buildingId, name: "U1" });
    await api("POST", "/api/users", { ...DESK, name: "Desk", role: "dispatcher", communityIds: [communityId] });
    const devices: SimDevice[] = [];
    for (let i = 0; i < PRESSES; i++) {
      const { id: householdId } = await api<{ id: number }>("POST", "/api/households", { unitId, room: String(100 + i) });
      await api("POST", "/api/contacts", { householdId, name: `Contact ${i}`, phone: `+86139${String(i).padStart(8, "0")}`, relation: "family", priority: 1, language: "en" });
      const d = await api<{ id: string; secret: string }>("POST", "/api/devices", { householdId, type: "button" });
      const dev = createSimDevice({ url: server.mqttUrl, id: d.id, secret: d.secret });
      await dev.waitForConnect(10_000);
      devices.push(dev);
    }

    let deskCookie = "";
    const deskLogin = async (cookie = deskCookie) => {
      const t0 = performance.now();
      const res = await fetch(`${server.httpUrl}/api/session`, { method: "POST", headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) }, body: JSON.stringify(DESK) });
      const known = res.headers.getSetCookie().find((c) => c.startsWith("hk_known_"));
      return { status: res.status, ms: performance.now() - t0, known: known?.split(";")[0] ?? "" };
    };
    // her desk's browser has logged in before (every shift does)
    deskCookie = (await deskLogin()).known;

    async function phase(label: string, sources: number): Promise<PhaseResult> {
      log(`login-flood: ${label}`);
      const seconds = Math.ceil((PRESSES * (GAP_MS + 20)) / 1000) + 4;
      const flooder = sources > 0 ? forkTs(fileURLToPath(new URL("./login-flooder.ts", import.meta.url)), [server.httpUrl, String(RATE), String(sources), String(seconds), DESK.username]) : null;
      const floodDone = flooder ? new Promise<PhaseResult["flood"]>((resolve) => flooder.once("message", (m: { sent: number; seconds: number; statuses: Record<string, number> }) => resolve(m))) : Promise.resolve(null);
      if (flooder) await new Promise((r) => setTimeout(r, 2_000)); // the flood is under way before the first press
      const ack: number[] = [];
      let desk: PhaseResult["desk"] = null;
      let newBrowser: PhaseResult["newBrowser"] = null;
      for (const [i, dev] of devices.entries()) {
        const t0 = performance.now();
        const { seq } = dev.press({ kind: "emergency" });
        await dev.waitForAck(seq, "received", 30_000);
        ack.push(performance.now() - t0);
        if (i === Math.floor(devices.length / 2)) {
          desk = await deskLogin();
          newBrowser = await deskLogin("");
        }
        await new Promise((r) => setTimeout(r, GAP_MS));
      }
      const flood = await floodDone;
      // every alert closed, so the next phase's presses open new ones
      const live: { id: number; state: string }[] = [];
      for (const state of ["open", "acknowledged", "responding"]) live.push(...await api<{ id: number; state: string }[]>("GET", `/api/alerts?state=${state}&limit=500`));
      for (const a of live) {
        if (a.state === "open") await api("POST", `/api/alerts/${a.id}/acknowledge`, {});
        if (a.state !== "resolved" && a.state !== "cancelled") await api("POST", `/api/alerts/${a.id}/resolve`, { outcome: "test" });
      }
      return { label, ack, desk, newBrowser, flood };
    }

    const results = [await phase("no flood", 0), await phase(`${RATE}/s wrong logins from 1 address`, 1), await phase(`${RATE}/s wrong logins from 200 addresses`, 200)];
    for (const d of devices) await d.close();
    await server.stop();

    const base = summarize(results[0]!.ack)!;
    const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
    const lines = [
      "| phase | press → ack p50 | p99 | max | p99 ÷ no flood | flood answered | her login at her desk | from a new browser |",
      "|---|---|---|---|---|---|---|---|",
      ...results.map((r) => {
        const s = summarize(r.ack)!;
        const st = r.flood ? Object.entries(r.flood.statuses).map(([s, n]) => `${n}× ${s}`).join(", ") + ` (${(r.flood.sent / r.flood.seconds).toFixed(0)}/s)` : "—";
        return `| ${r.label} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${fmt(s.max)} | ${(s.p99 / base.p99).toFixed(2)} | ${st} | ${r.desk ? `${r.desk.status} in ${fmt(r.desk.ms)}` : "—"} | ${r.newBrowser ? `${r.newBrowser.status} in ${fmt(r.newBrowser.ms)}` : "—"} |`;
      }),
    ];
    console.log(lines.join("\n"));
  } finally {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(async (err: unknown) => {
  console.error(err);
  await stopAll();
  process.exit(1);
});
