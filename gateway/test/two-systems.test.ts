/**
 * Two systems in one process share no durability state: each one's acks are released by the fsyncs
 * of its own WAL, and a press on one never makes the other sync (or waits for it).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createHousehold, type Household } from "../../tests/helpers/community";
import { connectSim } from "../../tests/helpers/device";
import { startTestSystem, type TestSystem } from "../../tests/helpers/system";

let a: TestSystem;
let b: TestSystem;
let homeA: Household;
let homeB: Household;
beforeAll(async () => {
  [a, b] = await Promise.all([startTestSystem(), startTestSystem()]);
  [homeA, homeB] = await Promise.all([
    createHousehold(a.api, { contacts: [{ name: "Daughter", phone: "+8613800071001", priority: 1 }] }),
    createHousehold(b.api, { contacts: [{ name: "Son", phone: "+8613800071002", priority: 1 }] }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

/** How many WAL fsyncs the system has done (its own hk_wal_fsync_seconds histogram). */
async function fsyncs(sys: TestSystem): Promise<number> {
  const text = await (await fetch(`${sys.httpUrl}/metrics`)).text();
  const m = /^hk_wal_fsync_seconds_count (\S+)$/m.exec(text);
  if (!m) throw new Error("hk_wal_fsync_seconds_count is not exported");
  return Number(m[1]);
}

it("releases each system's acks with its own fsyncs; a press on one makes no fsync on the other", async () => {
  // B has no device yet: nothing of its own to store, so any fsync of B's now would be A's doing
  const beforeB = await fsyncs(b);
  const deviceA = await connectSim(a.mqttUrl, homeA.device.id, homeA.device.secret);
  try {
    const beforeA = await fsyncs(a);
    // the ack is released by an fsync; once it is here, any sync it waited for has been counted
    await deviceA.waitForAck(deviceA.press().seq, "received", 10_000);
    expect(await fsyncs(a)).toBeGreaterThan(beforeA);
    expect(await fsyncs(b)).toBe(beforeB);
  } finally {
    await deviceA.close();
  }
  const deviceB = await connectSim(b.mqttUrl, homeB.device.id, homeB.device.secret);
  try {
    await deviceB.waitForAck(deviceB.press().seq, "received", 10_000);
    expect(await fsyncs(b)).toBeGreaterThan(beforeB);
  } finally {
    await deviceB.close();
  }
}, 60_000);
