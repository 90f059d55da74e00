/**
 * The hash pool: exactly node:crypto's scrypt, on worker threads; the device lane before the
 * password lane; jobs nobody waits for dropped unhashed; full lanes refused at once; a dead worker
 * replaced.
 */
import { randomBytes, scryptSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { HashExpiredError, HashPool, HashPoolBusyError, type HashLane, type HashOutcome } from "../src/devices/hash-pool";
import { DEVICE_PARAMS, hashDeviceSecret, hashSecret, PASSWORD_PARAMS, verifySecret } from "../src/devices/secret-hash";

let pool: HashPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

const MAXMEM = 256 * 2 ** 20;
const fast = { ...DEVICE_PARAMS, maxmem: MAXMEM };
/** Slow enough that the jobs queued behind it are still queued when the test adds more. */
const slow = { N: 2 ** 15, r: 8, p: 1, maxmem: MAXMEM };

/** A pool whose every job outcome is recorded, in order; two jobs ahead per worker, so the lanes' order shows. */
function observedPool(size: number, limits?: Partial<Record<HashLane, number>>) {
  const outcomes: [HashLane, HashOutcome][] = [];
  pool = new HashPool(size, { observe: (lane, outcome) => outcomes.push([lane, outcome]), deviceAhead: 2, ...(limits ? { limits } : {}) });
  return { pool, outcomes, count: (o: HashOutcome) => outcomes.filter(([, x]) => x === o).length };
}

describe("HashPool", () => {
  it("derives the same key as scryptSync", async () => {
    pool = new HashPool(2);
    const salt = randomBytes(16);
    const keys = await Promise.all(["a", "b", "c"].map((s) => pool!.derive(s, salt, 32, fast)));
    expect(keys.map((k) => k.toString("hex"))).toEqual(["a", "b", "c"].map((s) => scryptSync(s, salt, 32, fast).toString("hex")));
  });

  it("verifies a secret hashed in libuv's pool, and refuses a wrong one", async () => {
    pool = new HashPool(1, { deviceAhead: 2 });
    const stored = await hashDeviceSecret("right-secret");
    expect(await verifySecret("right-secret", stored, pool.derive)).toBe(true);
    expect(await verifySecret("wrong-secret", stored, pool.derive)).toBe(false);
    // and the other way round, at both costs
    expect(await verifySecret("s2", await hashDeviceSecret("s2", pool.derive))).toBe(true);
    const password = await hashSecret("pw", pool.derive);
    expect(password.startsWith("scrypt$") && password.split("$").length).toBe(3); // PASSWORD_PARAMS, the short form
    expect(await verifySecret("pw", password)).toBe(true);
    expect(PASSWORD_PARAMS.N).toBeGreaterThan(DEVICE_PARAMS.N);
  });

  it("serves the device lane first, then logins from known browsers, then every other login", async () => {
    const { pool: p } = observedPool(1);
    const salt = randomBytes(16);
    const done: string[] = [];
    const track = (name: string, job: Promise<Buffer>) => job.then(() => void done.push(name));
    // two in flight on the one worker; everything after them waits in the lanes
    const blockers = [track("blocker-1", p.derive("b1", salt, 32, slow)), track("blocker-2", p.derive("b2", salt, 32, slow))];
    const password = track("password", p.derive("pw", salt, 32, fast, { lane: "password" }));
    const known = track("known", p.derive("kn", salt, 32, fast, { lane: "known" }));
    const device = track("device", p.derive("dev", salt, 32, fast));
    expect([p.queued("device"), p.queued("known"), p.queued("password")]).toEqual([1, 1, 1]);
    await Promise.all([...blockers, password, known, device]);
    expect(done.slice(2)).toEqual(["device", "known", "password"]);
  });

  it("drops a job whose deadline passed before its turn, without hashing it", async () => {
    const { pool: p, outcomes, count } = observedPool(1);
    const salt = randomBytes(16);
    const blocker = p.derive("b", salt, 32, slow);
    const late = p.derive("late", salt, 32, fast, { deadline: Date.now() - 1 });
    const timely = p.derive("timely", salt, 32, fast, { deadline: Date.now() + 60_000 });
    await expect(late).rejects.toBeInstanceOf(HashExpiredError);
    await expect(late).rejects.toMatchObject({ code: "expired" });
    await Promise.all([blocker, timely]);
    expect(count("expired")).toBe(1);
    expect(count("done")).toBe(2); // the blocker and the timely job: the late one never reached a worker
    expect(outcomes.filter(([, o]) => o === "expired")).toEqual([["device", "expired"]]);
  });

  it("refuses at once when a lane is full, and the other lane still takes jobs", async () => {
    const { pool: p, count } = observedPool(1, { device: 2, password: 1 });
    const salt = randomBytes(16);
    // two in flight, two waiting: the device lane is full
    const accepted = [0, 1, 2, 3].map((i) => p.derive(`s${i}`, salt, 32, slow));
    const refused = p.derive("one-too-many", salt, 32, fast);
    await expect(refused).rejects.toBeInstanceOf(HashPoolBusyError);
    expect(count("busy")).toBe(1);
    const login = p.derive("login", salt, 32, fast, { lane: "password" });
    await expect(p.derive("second-login", salt, 32, fast, { lane: "password" })).rejects.toMatchObject({ lane: "password" });
    await Promise.all([...accepted, login]);
    expect(count("done")).toBe(5);
    // room again once they ran
    await expect(p.derive("later", salt, 32, fast)).resolves.toHaveLength(32);
  });

  it("fails the jobs of a worker that died, runs the queued ones on its replacement", async () => {
    pool = new HashPool(1, { deviceAhead: 2 });
    const salt = randomBytes(16);
    const worker = pool.workers[0]!;
    const inFlight = pool.derive("x", salt, 32, { N: 2 ** 16, r: 8, p: 1, maxmem: MAXMEM }); // under way when the worker dies
    const second = pool.derive("y", salt, 32, fast);
    const queued = pool.derive("z", salt, 32, fast);
    await worker.terminate();
    await expect(inFlight).rejects.toThrow(/exited/);
    await expect(second).rejects.toThrow(/exited/);
    expect((await queued).equals(scryptSync("z", salt, 32, fast))).toBe(true);
    expect((await pool.derive("x", salt, 32, fast)).equals(scryptSync("x", salt, 32, fast))).toBe(true);
  });

  it("rejects what is queued when it closes", async () => {
    pool = new HashPool(1, { deviceAhead: 2 });
    const salt = randomBytes(16);
    const jobs = Promise.allSettled([0, 1, 2].map((i) => pool!.derive(`s${i}`, salt, 32, slow)));
    await pool.close();
    expect((await jobs).map((r) => r.status === "rejected" && String(r.reason))).toEqual(Array(3).fill("Error: hash pool closed"));
    await expect(pool.derive("after", salt, 32, fast)).rejects.toThrow(/closed/);
  });
});

describe("with a login worker of its own", () => {
  it("never runs a login on a device worker: logins wait for the login worker while device checks keep flowing", async () => {
    const outcomes: [HashLane, HashOutcome][] = [];
    pool = new HashPool(1, { loginWorkers: 1, observe: (lane, o) => void outcomes.push([lane, o]) });
    const salt = randomBytes(16);
    const slowLogin = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
    const fastDevice = { ...DEVICE_PARAMS, maxmem: 64 * 1024 * 1024 };
    const done: string[] = [];
    // the device worker is up and warm first, so the race below is between the lanes, not thread start-ups
    await pool.derive("warm", salt, 32, fastDevice);
    // three slow logins: two in flight on the login worker, one waiting in its lane
    const logins = [1, 2, 3].map((i) => pool!.derive(`pw${i}`, salt, 32, slowLogin, { lane: "password" }).then(() => void done.push(`login${i}`)));
    expect(pool.queued("password")).toBe(1);
    // device checks go to the device worker, past the logins
    const devices = [1, 2, 3, 4].map((i) => pool!.derive(`dev${i}`, salt, 32, fastDevice).then(() => void done.push(`device${i}`)));
    await Promise.all(devices);
    expect(done.filter((d) => d.startsWith("login"))).toEqual([]);
    await Promise.all(logins);
    expect(outcomes.filter(([, o]) => o === "done")).toHaveLength(8);
  });
});
