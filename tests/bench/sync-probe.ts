/**
 * `pnpm tsx tests/bench/sync-probe.ts [DIR]`: how long this disk takes to make a write durable, with
 * fsync and with fdatasync, the way the gateway's WAL sync uses them (gateway/src/store/wal-sync.ts):
 * a commit's worth of pages (40 KiB) appended, then one sync in libuv's pool. Prints p50 / p99.
 */
import { closeSync, fdatasync, fsync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const HELP = `Usage: pnpm tsx tests/bench/sync-probe.ts [DIR]   (a directory on the disk to probe; default: the system's temp dir)`;
const ROUNDS = 400;
const PAGES = Buffer.alloc(40 * 1024, 1);

async function probe(fd: number, sync: typeof fsync, offset: { at: number }): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    writeSync(fd, PAGES, 0, PAGES.length, offset.at);
    offset.at += PAGES.length;
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => sync(fd, (err) => (err ? reject(err) : resolve())));
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b);
}

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(HELP);
} else {
  const dir = mkdtempSync(path.join(process.argv[2] ?? tmpdir(), "hk-sync-probe-"));
  const fd = openSync(path.join(dir, "wal"), "w+");
  const offset = { at: 0 };
  try {
    // twice each, interleaved: the first round of either warms the disk for both
    for (const [name, sync] of [["fsync", fsync], ["fdatasync", fdatasync], ["fsync", fsync], ["fdatasync", fdatasync]] as const) {
      const ms = await probe(fd, sync, offset);
      const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(3);
      console.log(`${name.padEnd(10)} p50 ${at(0.5)} ms  p99 ${at(0.99)} ms  (${ROUNDS} appends of 40 KiB, each synced)`);
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}
