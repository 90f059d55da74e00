/** Device secrets checked on worker threads give exactly node:crypto's scrypt, and survive a worker's death. */
import { randomBytes, scryptSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { HashPool } from "../src/devices/hash-pool";
import { DEVICE_PARAMS, hashDeviceSecret, verifySecret } from "../src/devices/secret-hash";

let pool: HashPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe("HashPool", () => {
  it("derives the same key as scryptSync", async () => {
    pool = new HashPool(2);
    const salt = randomBytes(16);
    const params = { ...DEVICE_PARAMS, maxmem: 64 * 2 ** 20 };
    const keys = await Promise.all(["a", "b", "c"].map((s) => pool!.derive(s, salt, 32, params)));
    expect(keys.map((k) => k.toString("hex"))).toEqual(["a", "b", "c"].map((s) => scryptSync(s, salt, 32, params).toString("hex")));
  });

  it("verifies a secret hashed in libuv's pool, and refuses a wrong one", async () => {
    pool = new HashPool(1);
    const stored = await hashDeviceSecret("right-secret");
    expect(await verifySecret("right-secret", stored, pool.derive)).toBe(true);
    expect(await verifySecret("wrong-secret", stored, pool.derive)).toBe(false);
    // and the other way round
    expect(await verifySecret("s2", await hashDeviceSecret("s2", pool.derive))).toBe(true);
  });

  it("fails the jobs of a worker that died, and goes on with a new one", async () => {
    pool = new HashPool(1);
    const salt = randomBytes(16);
    const worker = (pool as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots[0]!.worker;
    const params = { N: 2 ** 16, r: 8, p: 1, maxmem: 256 * 2 ** 20 }; // slow enough to be under way
    const job = pool.derive("x", salt, 32, params);
    await worker.terminate();
    await expect(job).rejects.toThrow(/exited/);
    const key = await pool.derive("x", salt, 32, { ...DEVICE_PARAMS, maxmem: 64 * 2 ** 20 });
    expect(key.equals(scryptSync("x", salt, 32, { ...DEVICE_PARAMS, maxmem: 64 * 2 ** 20 }))).toBe(true);
  });
});
