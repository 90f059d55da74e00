/**
 * A failed fsync is fatal: the gateway acks nothing it cannot promise is on disk, says why, and
 * exits non-zero so the service manager restarts it; after the restart the device's retransmission
 * is stored exactly once and acked. The failure is real to the process: an LD_PRELOAD shim makes
 * the C library's fdatasync() on the WAL fail with EIO while a trigger file exists.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import type { AckPayload, AlertView } from "@helpkey/shared";
import { createHousehold } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { freePort, startGatewayProcess, type GatewayProcess } from "../helpers/gateway-process";
import { ADMIN_TOKEN, makeApi, waitFor } from "../helpers/system";

const dir = mkdtempSync(path.join(tmpdir(), "hk-fsync-"));
let gateway: GatewayProcess | undefined;
afterAll(async () => {
  await gateway?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it("exits non-zero on a failed WAL fsync without acking; after a restart the retransmission is stored once and acked", async () => {
  const shim = path.join(dir, "fail-fsync.so");
  execFileSync("cc", ["-shared", "-fPIC", "-O2", "-o", shim, fileURLToPath(new URL("../helpers/native/fail-fsync.c", import.meta.url)), "-ldl"]);
  const trigger = path.join(dir, "fail-now");
  const [http, mqtt] = [await freePort(), await freePort()];
  const env = { HK_HTTP_PORT: String(http), HK_MQTT_PORT: String(mqtt), HK_DATA_DIR: path.join(dir, "data"), HK_DEMO: "0", HK_ADMIN_TOKEN: ADMIN_TOKEN, HK_LOG_LEVEL: "info" };
  gateway = await startGatewayProcess({ ...env, LD_PRELOAD: shim, HK_FAIL_FSYNC_WHEN: trigger });
  const api = makeApi(gateway.http);
  const home = await createHousehold(api, { contacts: [{ name: "Daughter", phone: "+8613800095001", priority: 1 }] });
  const device = await connectSim(gateway.mqtt, home.device.id, home.device.secret);
  const acks: AckPayload[] = [];
  device.on("ack", (a) => acks.push(a));
  try {
    const first = await device.waitForAck(device.press().seq, "received", 10_000);

    writeFileSync(trigger, "");
    const { seq } = device.press({ kind: "fire" });
    const code = await gateway.exited;
    expect(code).toBe(75);
    expect(gateway.output()).toMatch(/fsync failed/);
    // the press was never acked: the only acks the device has are the first press's
    expect(acks.filter((a) => a.seq === seq)).toEqual([]);

    rmSync(trigger);
    gateway = await startGatewayProcess(env);
    const ack = await device.waitForAck(seq, "received", 30_000);
    const alerts = (await makeApi(gateway.http)<AlertView[]>("GET", "/api/alerts")).body;
    // one alert for the household: the fire press joined (and upgraded) the first alarm, stored once
    expect(alerts).toHaveLength(1);
    expect(ack.alertId).toBe(first.alertId);
    const detail = await waitFor(async () => {
      const r = await makeApi(gateway!.http)<{ events: { type: string }[] }>("GET", `/api/alerts/${ack.alertId}`);
      return r.body.events.some((e) => e.type === "alert.pressed") ? r.body : null;
    }, 10_000, "the retransmitted press in the audit trail");
    expect(detail.events.filter((e) => e.type === "alert.pressed")).toHaveLength(1);
  } finally {
    await device.close();
  }
}, 180_000);
