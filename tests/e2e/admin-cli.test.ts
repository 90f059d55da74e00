/**
 * `pnpm hk` against a running system, as an administrator uses it: a community, its households from
 * a CSV file, 50 devices provisioned into a credentials file (0600), one of them pressed with
 * `pnpm sim press --credentials FILE --device ID` (the alert stored, the device acked); a console
 * user; the admin token rotated. Exit codes: 0 ok, 1 refused, 2 usage, 3 unreachable or refused token.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@helpkey/gateway/config";
import { startSystem } from "@helpkey/gateway/system";
import { provisionedDeviceSchema } from "@helpkey/shared";
import { testConfig } from "../helpers/config";
import { ADMIN_TOKEN, makeApi, startTestSystem, testEnv, type TestSystem } from "../helpers/system";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
const HK = path.join(ROOT, "gateway/src/cli/hk.ts");
const SIM = path.join(ROOT, "firmware-sim/src/cli.ts");

interface Run { code: number; stdout: string; stderr: string }
function run(script: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(TSX, [script, ...args], { cwd: dir, env: { ...testConfig.childBaseEnv, ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

let sys: TestSystem;
let dir: string;
/** The CLI pointed at the test system through its variables, as an operator's shell would be. */
const hk = (...args: string[]) => run(HK, args, { HK_URL: sys.httpUrl, HK_ADMIN_TOKEN: ADMIN_TOKEN });

beforeAll(async () => {
  sys = await startTestSystem();
  dir = mkdtempSync(path.join(tmpdir(), "hk-admin-cli-"));
});
afterAll(async () => {
  await sys?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** 50 households: building 9号楼, two units of 25 flats. */
function householdsCsv(): string {
  const rows = ["楼栋,单元,房号,独居,居民,年龄,联系人,电话,关系"];
  for (let i = 0; i < 50; i++) {
    const unit = i < 25 ? "1单元" : "2单元";
    const room = `${Math.floor((i % 25) / 2) + 1}0${(i % 2) + 1}`;
    rows.push(`9号楼,${unit},${room},${i % 3 === 0 ? "是" : "否"},居民${i + 1}号,${70 + (i % 20)},家属${i + 1}号,138 0013 8${String(300 + i).padStart(3, "0")},女儿`);
  }
  return rows.join("\r\n") + "\r\n";
}

describe("pnpm hk", () => {
  it("creates a community, imports its households, provisions 50 devices into a 0600 file; a device of it presses and is acked", async () => {
    const created = await hk("community", "create", "--name", "枫林社区", "--country", "CN", "--phone", "021 5555 0100", "--json");
    expect(created.code, created.stderr).toBe(0);
    const community = JSON.parse(created.stdout) as { id: number; countryCode: string; phone: string };
    expect(community).toMatchObject({ countryCode: "CN", phone: "+862155550100" });

    const csv = path.join(dir, "households.csv");
    writeFileSync(csv, householdsCsv());
    const dry = await hk("import", csv, "--community", String(community.id));
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("would create: 1 buildings, 2 units, 50 households (17 living alone), 50 residents, 50 contacts");
    expect(dry.stdout).toContain("--apply");
    const applied = await hk("import", csv, "--community", String(community.id), "--apply");
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain("created: 1 buildings, 2 units, 50 households");
    // the same file again: every household exists, nothing written, exit 1 with the lines named
    const again = await hk("import", csv, "--community", String(community.id), "--apply");
    expect(again.code).toBe(1);
    expect(again.stdout).toContain("50 bad row(s), nothing imported");
    expect(again.stdout).toMatch(/line 2, 房号 \(room\): 9号楼 1单元 101 is already household \d+/);

    const buildings = await sys.api<{ id: number; name: string }[]>("GET", `/api/buildings?communityId=${community.id}`);
    const building = buildings.body.find((b) => b.name === "9号楼")!;
    const creds = path.join(dir, "devices.json");
    const provisioned = await hk("devices", "provision", "--building", String(building.id), "--out", creds);
    expect(provisioned.code, provisioned.stderr).toBe(0);
    expect(provisioned.stderr).toContain("provisioning 50 device(s) for 50 household(s)");
    expect(provisioned.stdout).toContain(`50 device(s) provisioned for 50 household(s); credentials in ${creds}`);
    expect(statSync(creds).mode & 0o777).toBe(0o600);
    const devices = provisionedDeviceSchema.array().parse(JSON.parse(readFileSync(creds, "utf8")));
    expect(devices).toHaveLength(50);
    expect(new Set(devices.map((d) => d.householdId)).size).toBe(50);
    expect(devices.every((d) => d.mqtt.url === sys.deviceUrl)).toBe(true);
    // a credentials file is never overwritten: its secrets exist nowhere else
    const overwrite = await hk("devices", "provision", "--building", String(building.id), "--out", creds);
    expect(overwrite.code).toBe(2);
    expect(overwrite.stderr).toContain("is never overwritten");
    expect(JSON.parse(readFileSync(creds, "utf8"))).toHaveLength(50);

    // one device of the file, the way an installer tries it
    const device = devices[36]!;
    const press = await run(SIM, ["press", "--credentials", creds, "--device", device.id, "--state-dir", path.join(dir, "sim"), "--timeout", "30"]);
    expect(press.code, press.stderr).toBe(0);
    const ack = /ack received alert #(\d+)/.exec(press.stdout);
    expect(ack, press.stdout).not.toBeNull();
    const alert = await sys.api<{ id: number; deviceId: string; householdId: number; communityId: number; state: string }>("GET", `/api/alerts/${ack![1]}`);
    expect(alert.status).toBe(200);
    expect(alert.body).toMatchObject({ deviceId: device.id, householdId: device.householdId, communityId: community.id, state: "open" });
    const stored = sys.ctx.db.$client.prepare("SELECT count(*) AS n FROM alerts WHERE device_id = ?").get(device.id) as { n: number };
    expect(stored.n).toBe(1);
    // --device names one that is not in the file: a usage error, nothing pressed
    const unknown = await run(SIM, ["press", "--credentials", creds, "--device", "btn-not-there", "--state-dir", path.join(dir, "sim")]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--device btn-not-there is not in --credentials");
  }, 120_000);

  it("creates a console user with a generated password that logs in", async () => {
    const c = await sys.api<{ id: number }>("POST", "/api/communities", { name: "Users" });
    const r = await hk("users", "create", "--username", "lin.dispatch", "--name", "林调度", "--role", "dispatcher", "--communities", String(c.body.id), "--generate-password");
    expect(r.code, r.stderr).toBe(0);
    const password = /password: (\S+)/.exec(r.stdout)![1]!;
    const login = await fetch(`${sys.httpUrl}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "lin.dispatch", password }) });
    expect(login.status).toBe(200);
    // the server's refusal (the name is taken) is exit 1 with its code
    const again = await hk("users", "create", "--username", "lin.dispatch", "--name", "林调度", "--role", "dispatcher", "--communities", String(c.body.id), "--generate-password");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("refused (409");
  });

  it("answers --help with 0 everywhere, a bad flag with 2, no gateway or a wrong token with 3", async () => {
    const helps = [["--help"], ["community", "create", "--help"], ["import", "--help"], ["devices", "provision", "--help"], ["users", "create", "--help"], ["admin-token", "rotate", "--help"], ["devices", "--help"], ["--help", "--lang", "zh-CN"]];
    for (const [i, r] of (await Promise.all(helps.map((args) => run(HK, args)))).entries()) {
      expect(r.code, helps[i]!.join(" ")).toBe(0);
      expect(r.stdout).toMatch(/usage: pnpm hk|用法：pnpm hk/);
    }
    const bad = await hk("devices", "provision", "--bulding", "1", "--out", path.join(dir, "x.json"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--bulding");
    expect((await hk("frobnicate")).code).toBe(2);
    expect((await hk("devices", "provision", "--out", path.join(dir, "y.json"))).code).toBe(2);

    // a port nobody listens on
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const down = await run(HK, ["community", "create", "--name", "x", "--url", `http://127.0.0.1:${closed}`], { HK_ADMIN_TOKEN: ADMIN_TOKEN });
    expect(down.code).toBe(3);
    expect(down.stderr).toContain(`cannot reach the gateway at http://127.0.0.1:${closed}`);
    const wrong = await run(HK, ["community", "create", "--name", "x", "--token", "not-the-admin-token"], { HK_URL: sys.httpUrl });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain("refused the admin token");
    const none = await run(HK, ["community", "create", "--name", "x"], { HK_URL: sys.httpUrl });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("HK_ADMIN_TOKEN");
  }, 60_000);

  it("admin-token rotate: refused while HK_ADMIN_TOKEN names the token; otherwise the new token works and the old one stops", async () => {
    const fixed = await hk("admin-token", "rotate");
    expect(fixed.code).toBe(1);
    expect(fixed.stderr).toContain("HK_ADMIN_TOKEN");

    const dataDir = mkdtempSync(path.join(tmpdir(), "hk-rotate-"));
    const env: Record<string, string> = testEnv(dataDir);
    delete env.HK_ADMIN_TOKEN;
    const own = await startSystem(loadConfig(env), { rates: { smsPerSecond: 50, callsPerSecond: 50, maxInFlight: 20 } });
    try {
      const old = own.generatedAdminToken!;
      expect((await makeApi(own.httpUrl, old)("GET", "/api/communities")).status).toBe(200);
      // a console session opened with the old token ends with it
      const login = await fetch(`${own.httpUrl}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: old }) });
      expect(login.status).toBe(200);
      const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
      const session = () => fetch(`${own.httpUrl}/api/communities`, { headers: { cookie } }).then((r) => r.status);
      expect(await session()).toBe(200);
      const r = await run(HK, ["admin-token", "rotate", "--url", own.httpUrl], { HK_ADMIN_TOKEN: old });
      expect(r.code, r.stderr).toBe(0);
      const fresh = r.stdout.trim();
      expect(fresh).toMatch(/^hk_\S{20,}$/);
      expect((await makeApi(own.httpUrl, old)("GET", "/api/communities")).status).toBe(401);
      expect((await makeApi(own.httpUrl, fresh)("GET", "/api/communities")).status).toBe(200);
      expect(await session()).toBe(401);
      expect(r.stderr).toContain("1 console session(s)");
    } finally {
      await own.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
