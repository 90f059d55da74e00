/** `pnpm sim stb`: the set-top box as a process, its TV page's URL printed, stopped by SIGTERM. */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { alarmPayloadSchema, parsePayload, topics, type AlarmPayload } from "@helpkey/shared";
import { startTestBroker, type TestBroker } from "./test-broker";

const root = resolve(import.meta.dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");
const cli = join(root, "firmware-sim/src/cli.ts");

let broker: TestBroker;
let dir: string;
beforeAll(async () => {
  broker = await startTestBroker({ "stb-301": "secret-301" });
  dir = mkdtempSync(join(tmpdir(), "hk-stb-cli-"));
  writeFileSync(join(dir, "stb.json"), JSON.stringify({ id: "stb-301", secret: "secret-301", mqtt: { url: broker.url } }));
});
afterAll(async () => {
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
});

it("prints the TV's URL; a red key on the page reaches the broker as a remote press; SIGTERM stops it with 0", async () => {
  const seen: AlarmPayload[] = [];
  const gw = await broker.observer();
  await gw.subscribeAsync(topics.alarm("stb-301"), { qos: 1 });
  gw.on("message", (_t, payload) => {
    const a = parsePayload(alarmPayloadSchema, payload);
    if (a.ok) seen.push(a.value);
  });
  const child = spawn(tsx, [cli, "stb", "--credentials", "stb.json", "--lang", "en"], { cwd: dir });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += String(d)));
  const url = await new Promise<string>((done, fail) => {
    child.stdout.on("data", () => {
      const m = /TV \(set-top box\): (http:\/\/\S+)/.exec(out);
      if (m) done(m[1]!);
    });
    void exited.then((code) => fail(new Error(`exited ${code}: ${out}`)));
  });
  try {
    // --lang en: the TV speaks English
    const page = await (await fetch(url)).text();
    expect(page).toContain('<html lang="en">');
    const post = (key: string) => fetch(new URL("/key", url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ key }) });
    // connected before the press, so the box is on the broker (not just queuing)
    for (let st = await (await fetch(new URL("/state.json", url))).json(); !st.connected; st = await (await fetch(new URL("/state.json", url))).json()) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await (await post("green")).json()).mode).toBe("menu");
    expect((await (await post("ok")).json()).status.kind).toBe("service");
    for (; seen.length === 0;) await new Promise((r) => setTimeout(r, 50));
    expect(seen[0]).toMatchObject({ action: "raise", kind: "service", trigger: "remote", category: "medical_help" });
  } finally {
    child.kill("SIGTERM");
  }
  expect(await exited).toBe(0);
});

it("exits 2 without --credentials, and 0 on --help", async () => {
  const run = (...args: string[]) => new Promise<{ code: number; stderr: string; stdout: string }>((done) =>
    execFile(tsx, [cli, "stb", ...args], { cwd: dir, timeout: 20_000 }, (err, stdout, stderr) => done({ code: err ? Number(err.code) : 0, stdout, stderr })));
  const missing = await run();
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("--credentials FILE is required");
  const help = await run("--help");
  expect(help.code).toBe(0);
  expect(help.stdout).toContain("usage: pnpm sim stb --credentials FILE");
});
