/**
 * vitest globalSetup: the browser tests need the built console (dashboard/dist), which the gateway
 * serves from when it starts. Builds only when a source is newer than the last build, into
 * a temporary folder swapped in at the end, so a test run elsewhere in this checkout never sees half a build.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dashboard = fileURLToPath(new URL("../../dashboard", import.meta.url));
const dist = path.join(dashboard, "dist");
const stamp = path.join(dist, ".build-stamp");

function newest(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(p).map((f) => newest(path.join(p, f))));
}

export function dashboardIsFresh(): boolean {
  if (!existsSync(stamp)) return false;
  const sources = ["src", "index.html", "responder.html", "vite.config.ts"].map((f) => path.join(dashboard, f)).filter(existsSync);
  return Math.max(...sources.map(newest)) <= statSync(stamp).mtimeMs;
}

export function buildDashboard(): void {
  if (dashboardIsFresh()) return;
  const tmp = path.join(dashboard, `.dist-${process.pid}`);
  const vite = fileURLToPath(new URL("../../node_modules/.bin/vite", import.meta.url));
  const r = spawnSync(vite, ["build", "--config", path.join(dashboard, "vite.config.ts"), "--outDir", tmp, "--emptyOutDir", "--logLevel", "warn"], { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`dashboard build failed (exit ${r.status})`);
  writeFileSync(path.join(tmp, ".build-stamp"), new Date().toISOString());
  const old = path.join(dashboard, `.dist-old-${process.pid}`);
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(tmp, dist);
  rmSync(old, { recursive: true, force: true });
}

export default function setup(): void {
  buildDashboard();
}
