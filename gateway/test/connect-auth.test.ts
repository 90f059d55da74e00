/**
 * The broker's device check behind the failure budgets, at the level of its decisions: a real
 * SQLite registry and a real hash pool, time passed in. "Without hashing" is read from the pool's
 * own count of jobs run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb, type Db } from "../src/db/open";
import { buildings, communities, devices, households, units } from "../src/db/schema";
import { ConnectAuth, type ConnectAuthResult } from "../src/devices/connect-auth";
import { DeviceRegistry } from "../src/devices/device-registry";
import { sourceKey } from "@helpkey/shared/source-key";
import { TokenBuckets } from "../src/devices/failure-budgets";
import { HashPool } from "../src/devices/hash-pool";
import { hashDeviceSecret } from "../src/devices/secret-hash";

describe("TokenBuckets", () => {
  it("allows a burst of failures, then one per refill; checking takes nothing, a failure takes one", () => {
    const b = new TokenBuckets({ burst: 3, perSecond: 2, maxKeys: 10 });
    expect([1, 2, 3, 4].map(() => b.allows("k", 0))).toEqual([true, true, true, true]);
    for (let i = 0; i < 3; i++) b.charge("k", 0);
    expect(b.allows("k", 0)).toBe(false);
    expect(b.allows("k", 400)).toBe(false);
    expect(b.allows("k", 500)).toBe(true);
    expect(b.allows("other", 500)).toBe(true);
  });

  it("charges a burst that ran at once into debt, down to -burst, and waits until it is paid", () => {
    const b = new TokenBuckets({ burst: 3, perSecond: 1, maxKeys: 10 });
    for (let i = 0; i < 5; i++) b.charge("k", 0); // 3 - 5 = -2
    expect(b.allows("k", 2_999)).toBe(false);
    expect(b.allows("k", 3_000)).toBe(true);
    for (let i = 0; i < 100; i++) b.charge("j", 0); // never below -3
    expect(b.allows("j", 3_999)).toBe(false);
    expect(b.allows("j", 4_000)).toBe(true);
  });

  it("remembers at most maxKeys keys", () => {
    const b = new TokenBuckets({ burst: 1, perSecond: 1, maxKeys: 3 });
    for (let i = 0; i < 100; i++) b.charge(`10.0.0.${i}`, 0);
    expect(b.size).toBe(3);
  });
});

describe("sourceKey", () => {
  it("keys IPv4 as is, IPv4-mapped as IPv4, IPv6 by its /64", () => {
    expect(sourceKey("127.0.0.2")).toBe("127.0.0.2");
    expect(sourceKey("::ffff:127.0.0.2")).toBe("127.0.0.2");
    expect(sourceKey("2001:db8:1:2::1")).toBe(sourceKey("2001:db8:1:2:ffff:1:2:3"));
    expect(sourceKey("2001:db8:1:2::1")).not.toBe(sourceKey("2001:db8:1:3::1"));
    expect(sourceKey("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(sourceKey("::1")).toBe("0:0:0:0::/64");
    expect(sourceKey(undefined)).toBe("unknown");
  });
});

describe("ConnectAuth", () => {
  let dir: string;
  let db: Db;
  let pool: HashPool;
  let hashed: number;
  let clock: number;
  let results: ConnectAuthResult[];
  let auth: ConnectAuth;
  const SECRETS = { "dev-1": "secret-1", "dev-2": "secret-2", "dev-3": "secret-3", "dev-4": "secret-4", "dev-5": "secret-5" } as Record<string, string>;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "hk-auth-"));
    db = openDb(dir);
    hashed = 0;
    pool = new HashPool(1, { limits: { device: 8 }, deviceAhead: 2, observe: (_lane, outcome) => void (outcome === "done" && hashed++) });
    const c = db.insert(communities).values({ name: "C", createdAt: 0 }).returning().get();
    const b = db.insert(buildings).values({ communityId: c.id, name: "B", createdAt: 0 }).returning().get();
    const u = db.insert(units).values({ buildingId: b.id, name: "U", createdAt: 0 }).returning().get();
    const h = db.insert(households).values({ unitId: u.id, room: "101", createdAt: 0 }).returning().get();
    for (const [id, secret] of Object.entries(SECRETS)) {
      db.insert(devices).values({ id, householdId: h.id, type: "button", secretHash: await hashDeviceSecret(secret, pool.derive), createdAt: 0 }).run();
    }
    hashed = 0;
    clock = 1_000_000;
    results = [];
    auth = new ConnectAuth(new DeviceRegistry(db, pool.derive), {
      sources: new TokenBuckets({ burst: 3, perSecond: 1, maxKeys: 100 }),
      devices: new TokenBuckets({ burst: 2, perSecond: 0.5, maxKeys: 100 }),
      now: () => clock,
      observe: (r) => void results.push(r),
    });
  });
  afterEach(async () => {
    await pool.close();
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = (id: string, secret: string, remoteAddress: string, deadline?: number) =>
    auth.authenticate({ clientId: id, username: id, password: Buffer.from(secret), remoteAddress, ...(deadline !== undefined ? { deadline } : {}) });
  const retryLater = (reason: RegExp) => ({ retryLater: expect.stringMatching(reason) });

  it("refuses a source out of failure budget without hashing; other sources are not affected", async () => {
    // one failure each for three devices: three hashes, three refusals
    for (const id of ["dev-1", "dev-2", "dev-3"]) expect(await connect(id, "wrong", "10.0.0.66")).toBeNull();
    expect(hashed).toBe(3);
    expect(await connect("dev-4", "wrong", "10.0.0.66")).toEqual(retryLater(/address/));
    // over budget, even the right secret of a device not verified since start waits
    expect(await connect("dev-4", SECRETS["dev-4"]!, "10.0.0.66")).toEqual(retryLater(/address/));
    expect(hashed).toBe(3);
    expect(await connect("dev-4", SECRETS["dev-4"]!, "10.0.0.7")).toEqual({ role: "device", deviceId: "dev-4" });
    expect(hashed).toBe(4);
    // a second later one failure more is allowed from the flooding source
    clock += 1_000;
    expect(await connect("dev-5", "wrong", "10.0.0.66")).toBeNull();
    expect(await connect("dev-5", "wrong", "10.0.0.66")).toEqual(retryLater(/address/));
    expect(results).toEqual(["wrong_secret", "wrong_secret", "wrong_secret", "source_over_budget", "source_over_budget", "ok", "wrong_secret", "source_over_budget"]);
  });

  it("lets a secret verified since start through at once, whatever its source's budget", async () => {
    expect(await connect("dev-1", SECRETS["dev-1"]!, "10.0.0.66")).toEqual({ role: "device", deviceId: "dev-1" });
    for (const id of ["dev-2", "dev-3", "dev-4"]) expect(await connect(id, "wrong", "10.0.0.66")).toBeNull();
    expect(await connect("dev-5", "wrong", "10.0.0.66")).toEqual(retryLater(/address/));
    const before = hashed;
    expect(await connect("dev-1", SECRETS["dev-1"]!, "10.0.0.66")).toEqual({ role: "device", deviceId: "dev-1" });
    expect(hashed).toBe(before);
    expect(results.at(-1)).toBe("cached");
  });

  it("spends nothing on successes: more devices than the burst connect at once from one address", async () => {
    const all = await Promise.all(Object.entries(SECRETS).map(([id, secret]) => connect(id, secret, "10.0.0.1")));
    expect(all).toEqual(Object.keys(SECRETS).map((deviceId) => ({ role: "device", deviceId })));
    expect(results).toEqual(["ok", "ok", "ok", "ok", "ok"]);
  });

  it("charges failures that ran at once when they end, so the address waits longer", async () => {
    const all = await Promise.all(["dev-1", "dev-2", "dev-3", "dev-4", "dev-5"].map((id) => connect(id, "wrong", "10.0.0.66")));
    expect(all).toEqual([null, null, null, null, null]);
    expect(hashed).toBe(5);
    clock += 2_999; // 3 - 5 = -2 tokens: three seconds to the next one
    expect(await connect("dev-1", "wrong", "10.0.0.66")).toEqual(retryLater(/address/));
    clock += 1;
    expect(await connect("dev-1", "wrong", "10.0.0.66")).toBeNull();
  });

  it("refuses a device id out of failure budget without hashing, from any address, until it refills", async () => {
    expect(await connect("dev-2", "wrong", "10.0.0.1")).toBeNull();
    expect(await connect("dev-2", "wrong", "10.0.0.2")).toBeNull();
    expect(await connect("dev-2", "wrong", "10.0.0.3")).toEqual(retryLater(/device id/));
    expect(await connect("dev-2", SECRETS["dev-2"]!, "10.0.0.4")).toEqual(retryLater(/device id/));
    expect(hashed).toBe(2);
    // the refusal for the id cost the address nothing: it was not a check
    for (const id of ["dev-3", "dev-4", "dev-5"]) expect(await connect(id, "wrong", "10.0.0.3")).toBeNull();
    clock += 2_000; // one token back for dev-2
    expect(await connect("dev-2", SECRETS["dev-2"]!, "10.0.0.4")).toEqual({ role: "device", deviceId: "dev-2" });
  });

  it("counts unknown ids against the address, never hashes them, and remembers none of them", async () => {
    for (let i = 0; i < 3; i++) expect(await connect(`nobody-${i}`, "x", "10.0.0.66")).toBeNull();
    expect(await connect("nobody-3", "x", "10.0.0.66")).toEqual(retryLater(/address/));
    expect(hashed).toBe(0);
    expect(auth.devices.size).toBe(0);
    expect(results).toEqual(["unknown", "unknown", "unknown", "source_over_budget"]);
  });

  it("answers retry-later, and charges nothing, for a check the pool refused or dropped", async () => {
    const block = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => pool.derive(`b${i}`, Buffer.alloc(16), 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 2 ** 28 })));
    // two jobs on the one worker and eight waiting: the device lane (limit 8) is full
    let blockers = block(10);
    expect(await connect("dev-1", SECRETS["dev-1"]!, "10.0.0.66")).toEqual(retryLater(/queue full/));
    await blockers;
    // two on the worker: the check waits in the lane, and its deadline has passed when its turn comes
    blockers = block(2);
    const expired = connect("dev-2", SECRETS["dev-2"]!, "10.0.0.66", Date.now() - 1);
    await blockers;
    expect(await expired).toEqual(retryLater(/expired/));
    expect(results).toEqual(["hash_busy", "hash_expired"]);
    // the address still has its whole budget
    for (const id of ["dev-3", "dev-4", "dev-5"]) expect(await connect(id, "wrong", "10.0.0.66")).toBeNull();
    expect(await connect("dev-1", "wrong", "10.0.0.66")).toEqual(retryLater(/address/));
  });
});
