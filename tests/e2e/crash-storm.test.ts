/**
 * SIGKILL in the middle of a storm. Households with one help button each (firmware-sim's light
 * devices: every press published again until acked, seq kept) press once each within a second or
 * two; the gateway, a process of its own, is killed with SIGKILL once 30 % of the acks are in, and
 * started again on the same data directory and ports. The devices reconnect and publish again what
 * was not acked. Then:
 * - every press is stored exactly once, and a press acked before the kill keeps the alert its ack
 *   named (the ack promised it was on disk);
 * - every household has one alert for its one incident;
 * - every alert's text and first-wave call reach the phone network after the restart (the outbox
 *   drains); a row in flight at the kill may go out twice, no more of them than the in-flight limit.
 * 500 households in the default run; `pnpm test:crash-storm` runs 2,000 (HK_STORM_DEVICES).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { createPhoneNetwork, type PhoneNetwork } from "@helpkey/firmware-sim/phone-network";
import { fleetContactPhone } from "@helpkey/firmware-sim/fleet/credentials";
import { openDb } from "@helpkey/gateway/db/open";
import { EMULATOR_ACCOUNT_SID } from "@helpkey/gateway/notify/phone-setup";
import { seedDatabase } from "../bench/lib/seed";
import { testConfig } from "../helpers/config";
import { freePort, startGatewayProcess, type GatewayProcess } from "../helpers/gateway-process";
import { startStormFleet, type StormFleet } from "../helpers/storm-fleet";
import { ADMIN_TOKEN, waitFor } from "../helpers/system";

const DEVICES = testConfig.stormDevices;
/** Acks received before the kill: well into the storm, well before its end. */
const KILL_AFTER_ACKS = Math.round(DEVICES * 0.3);
/** Presses a second in the storm. */
const STORM_PER_S = 1_000;
const IN_FLIGHT = 50;
const TOKEN = "crash-storm-token";
const root = fileURLToPath(new URL("../..", import.meta.url));
const dataDir = mkdtempSync(path.join(tmpdir(), "hk-crash-storm-"));

let phone: PhoneNetwork | undefined;
let fleet: StormFleet | undefined;
const gateways: GatewayProcess[] = [];
afterAll(async () => {
  fleet?.stop();
  for (const g of gateways) {
    if (g.child.exitCode === null && g.child.signalCode === null) g.child.kill("SIGKILL");
    await g.exited;
  }
  await phone?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Requests at the phone network per notification row (its status callback names the row) and per phone. */
class Requests {
  readonly byRow = new Map<string, number>();
  readonly phones = new Set<string>();
  afterRestart = 0;
  add(row: string | undefined, to: string, afterRestart: boolean): void {
    if (row) this.byRow.set(row, (this.byRow.get(row) ?? 0) + 1);
    this.phones.add(to);
    if (afterRestart) this.afterRestart++;
  }
  twice(): number {
    return [...this.byRow.values()].filter((n) => n > 1).length;
  }
}

it("a SIGKILL mid-storm loses no acked press, stores every press once, and sends every first-wave notification after the restart", async () => {
  await seedDatabase(root, dataDir, DEVICES, () => undefined);
  phone = await createPhoneNetwork({ accountSid: EMULATOR_ACCOUNT_SID, authToken: TOKEN, defaultPerson: { never: true } });
  let restarted = false;
  const sms = new Requests();
  const calls = new Requests();
  phone.on("message", (m) => sms.add(m.statusCallback, m.to, restarted));
  phone.on("call", (c) => calls.add(c.statusCallback, c.to, restarted));
  // the emulator keeps every record for tests to read; this test counts them as they come
  const trim = setInterval(() => {
    phone!.messages.splice(0);
    phone!.calls.splice(0);
  }, 1_000);

  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const env = {
    HK_HOST: "127.0.0.1", HK_HTTP_PORT: String(httpPort), HK_MQTT_PORT: String(mqttPort), HK_DATA_DIR: dataDir, HK_DEMO: "0",
    HK_ADMIN_TOKEN: ADMIN_TOKEN, HK_LOG_LEVEL: "warn", HK_TWILIO_API_URL: phone.url, TWILIO_AUTH_TOKEN: TOKEN,
    HK_SMS_PER_S: "5000", HK_CALLS_PER_S: "5000", HK_MAX_IN_FLIGHT: String(IN_FLIGHT),
  };
  const start = async () => {
    const g = await startGatewayProcess(env);
    gateways.push(g);
    return g;
  };
  const t0 = performance.now();
  const at = (): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  const times: string[] = [];

  const first = await start();
  fleet = await startStormFleet({ host: "127.0.0.1", port: mqttPort }, DEVICES);
  times.push(`connected ${at()}`);
  fleet.pressAll((DEVICES / STORM_PER_S) * 1000);
  await waitFor(() => fleet!.acked() >= KILL_AFTER_ACKS, 30_000, `${KILL_AFTER_ACKS} acks`);
  first.child.kill("SIGKILL");
  await first.exited;
  times.push(`killed ${at()}`);
  // what the devices were told before the process died: these presses were promised durable
  const promised = fleet.acks();
  const pressedBeforeKill = fleet.pressed();

  restarted = true;
  await start();
  times.push(`restarted ${at()}`);
  await waitFor(() => fleet!.acked() === DEVICES, 60_000, "every press acked after the restart");
  times.push(`all acked ${at()}`);

  const db = openDb(dataDir).$client;
  try {
    const pressRows = db.prepare("SELECT device_id AS deviceId, seq, alert_id AS alertId, count(*) OVER (PARTITION BY device_id, seq) AS copies FROM presses").all() as { deviceId: string; seq: number; alertId: number; copies: number }[];
    const alertsPerHousehold = db.prepare("SELECT household_id AS h, count(*) AS n FROM alerts GROUP BY household_id").all() as { h: number; n: number }[];

    // every press stored, each once; the acked ones under the alert their ack named
    expect(pressRows).toHaveLength(DEVICES);
    expect(pressRows.filter((r) => r.copies !== 1)).toEqual([]);
    const stored = new Map(pressRows.map((r) => [`${r.deviceId}:${r.seq}`, r.alertId]));
    expect([...promised].filter(([key, alertId]) => stored.get(key) !== alertId)).toEqual([]);
    // one alert per household's one incident
    expect(alertsPerHousehold).toHaveLength(DEVICES);
    expect(alertsPerHousehold.filter((r) => r.n !== 1)).toEqual([]);

    // the outbox drains: every alert's text and first-wave call reach the phone network, and the
    // gateway has stored each answer (the network has a request a moment before that)
    const phones = Array.from({ length: DEVICES }, (_, i) => fleetContactPhone(i));
    const firstWaveLeft = () => (db.prepare("SELECT count(*) AS n FROM notifications WHERE round = 1 AND wave = 1 AND status IN ('queued', 'sending')").get() as { n: number }).n;
    await waitFor(() => phones.every((p) => sms.phones.has(p) && calls.phones.has(p)) && firstWaveLeft() === 0, 60_000, "every text and first-wave call sent");
    times.push(`all sent ${at()}`);
    const counts = fleet.counts();
    console.log(
      `crash storm: ${DEVICES} households; ${pressedBeforeKill} pressed and ${promised.size} acked before the SIGKILL, ${DEVICES - promised.size} acked after the restart; ` +
        `${counts.retransmits} alarm publishes were retransmissions, ${counts.repeatAcks} repeat acks; stored ${pressRows.length} presses, ${alertsPerHousehold.length} alerts; ` +
        `sent after the restart: ${sms.afterRestart} SMS, ${calls.afterRestart} calls; rows sent twice: ${sms.twice()} SMS, ${calls.twice()} calls; ${times.join(", ")}`,
    );
    // at-least-once: only rows in flight at the kill may have gone out twice
    expect(sms.twice() + calls.twice()).toBeLessThanOrEqual(IN_FLIGHT);
    expect(sms.afterRestart + calls.afterRestart).toBeGreaterThan(0);
  } finally {
    clearInterval(trim);
    db.close();
  }
}, 150_000);
