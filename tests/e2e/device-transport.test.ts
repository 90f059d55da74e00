/**
 * Devices over TLS and WebSocket, end to end: the real system (broker on its thread) with the
 * optional listeners on port 0 and a self-signed certificate; a press over each is stored and acked
 * as over plain TCP. And the configuration that turns them on, refused when it cannot work.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertView } from "@helpkey/shared";
import { ConfigError, loadConfig } from "@helpkey/gateway/config";
import { makeCertificate, type TestCertificate } from "../helpers/certificate";
import { createHousehold } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, type TestSystem } from "../helpers/system";

const root = path.resolve(import.meta.dirname, "../..");

let cert: TestCertificate;
let sys: TestSystem;
let dir: string;
let phones = 0;

beforeAll(async () => {
  cert = makeCertificate();
  dir = mkdtempSync(path.join(tmpdir(), "hk-transport-"));
  sys = await startTestSystem({ env: { HK_MQTT_TLS_PORT: "0", HK_MQTT_WSS_PORT: "0", HK_MQTT_WS_PORT: "0", HK_TLS_CERT: cert.certFile, HK_TLS_KEY: cert.keyFile } });
});
afterAll(async () => {
  await sys?.close();
  cert?.remove();
  rmSync(dir, { recursive: true, force: true });
});

const household = () => createHousehold(sys.api, { contacts: [{ name: "Daughter Wang", phone: `+861380000${String(++phones).padStart(4, "0")}`, priority: 1 }] });

describe("a press over TLS and WebSocket", () => {
  it("the system has a URL for each listener that is on", () => {
    expect(sys.broker!.tlsUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    expect(sys.broker!.wssUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/mqtt$/);
    expect(sys.broker!.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/);
  });

  it.each([["TLS", "tlsUrl"], ["secure WebSocket", "wssUrl"], ["WebSocket", "wsUrl"]] as const)("over %s: the device gets its received ack and the alert is stored", async (_name, key) => {
    const home = await household();
    const device = await connectSim(sys.broker![key]!, home.device.id, home.device.secret, { ca: cert.cert });
    try {
      const { seq } = device.press({ kind: "medical" });
      const ack = await device.waitForAck(seq, "received", 5000);
      expect(ack).toMatchObject({ seq, state: "received" });
      const alert = await sys.api<AlertView>("GET", `/api/alerts/${ack.alertId}`);
      expect(alert.status).toBe(200);
      expect(alert.body).toMatchObject({ id: ack.alertId, householdId: home.householdId, deviceId: home.device.id, state: "open", kind: "medical", pressCount: 1 });
    } finally {
      await device.close();
    }
  });

  it("pnpm press --ca trusts the broker's certificate; without it the press says what to do", async () => {
    const home = await household();
    const creds = path.join(dir, "device.json");
    writeFileSync(creds, JSON.stringify(home.device));
    const press = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
        // a state dir per run: an alarm left queued by one run is not sent again by the next
        const state = mkdtempSync(path.join(dir, "state-"));
        const argv = [path.join(root, "firmware-sim/src/cli.ts"), "press", "--credentials", creds, "--url", sys.broker!.tlsUrl!, "--state-dir", state, ...args];
        execFile(path.join(root, "node_modules/.bin/tsx"), argv, { cwd: dir }, (err, stdout, stderr) =>
          done({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr }));
      });

    // whole results compared, so that a failure shows what the command printed
    const untrusted = await press("--timeout", "2");
    expect(untrusted).toMatchObject({ code: 1, stderr: expect.stringContaining("has a certificate this device does not trust") });
    expect(untrusted.stderr).toContain("--ca FILE");

    const trusted = await press("--ca", cert.certFile);
    expect(trusted).toMatchObject({ code: 0, stdout: expect.stringMatching(/ack received alert #\d+/) });
    expect(trusted.stderr).not.toContain("does not trust");

    const missing = await press("--ca", path.join(dir, "no-such.pem"));
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining("cannot read --ca") });
  });
});

describe("configuration of the TLS and WebSocket listeners", () => {
  const load = (env: Record<string, string>) => () => loadConfig({ HK_DATA_DIR: dir, ...env });
  const refusal = (env: Record<string, string>) => {
    try {
      load(env)();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error("loadConfig accepted it");
  };

  it("leaves every listener off by default, and for an empty variable", () => {
    expect(load({})().mqttListeners).toEqual({});
    expect(load({ HK_MQTT_TLS_PORT: "", HK_MQTT_WS_PORT: "" })().mqttListeners).toEqual({});
  });

  it("needs no certificate for plain WebSocket", () => {
    expect(load({ HK_MQTT_WS_PORT: "8083" })().mqttListeners).toEqual({ wsPort: 8083 });
  });

  it("reads the certificate and key for TLS and WSS", () => {
    const l = load({ HK_MQTT_TLS_PORT: "8883", HK_MQTT_WSS_PORT: "8084", HK_TLS_CERT: cert.certFile, HK_TLS_KEY: cert.keyFile })().mqttListeners;
    expect(l).toMatchObject({ tlsPort: 8883, wssPort: 8084, tls: { cert: cert.cert, key: cert.key } });
  });

  it("refuses a TLS or WSS port without a certificate or key, naming the variable", () => {
    expect(refusal({ HK_MQTT_TLS_PORT: "8883" })).toMatch(/HK_TLS_CERT: required with HK_MQTT_TLS_PORT/);
    expect(refusal({ HK_MQTT_WSS_PORT: "8084", HK_TLS_CERT: cert.certFile })).toMatch(/HK_TLS_KEY: required with HK_MQTT_WSS_PORT/);
  });

  it("refuses a file it cannot read or that is not what it should be", () => {
    const tls = { HK_MQTT_TLS_PORT: "8883" };
    expect(refusal({ ...tls, HK_TLS_CERT: path.join(dir, "nope.pem"), HK_TLS_KEY: cert.keyFile })).toMatch(/HK_TLS_CERT: cannot read .*nope\.pem \(ENOENT\)/);
    const junk = path.join(dir, "junk.pem");
    writeFileSync(junk, "not a certificate\n");
    expect(refusal({ ...tls, HK_TLS_CERT: junk, HK_TLS_KEY: cert.keyFile })).toMatch(/HK_TLS_CERT: .*junk\.pem is not a PEM certificate/);
    expect(refusal({ ...tls, HK_TLS_CERT: cert.certFile, HK_TLS_KEY: cert.certFile })).toMatch(/HK_TLS_KEY: .* is not an unencrypted PEM private key/);
    const other = makeCertificate();
    try {
      expect(refusal({ ...tls, HK_TLS_CERT: cert.certFile, HK_TLS_KEY: other.keyFile })).toMatch(/HK_TLS_KEY: the key in .* does not belong to the certificate/);
    } finally {
      other.remove();
    }
  });

  it("refuses listeners the embedded broker would not open, or on a port already taken", () => {
    expect(refusal({ HK_MQTT_WS_PORT: "8083", HK_MQTT_URL: "mqtt://broker.example:1883" })).toMatch(/HK_MQTT_WS_PORT: .*HK_MQTT_URL/);
    expect(refusal({ HK_MQTT_WS_PORT: "1883" })).toMatch(/HK_MQTT_WS_PORT: port 1883 is already HK_MQTT_PORT's/);
    expect(refusal({ HK_MQTT_TLS_PORT: "70000" })).toMatch(/HK_MQTT_TLS_PORT/);
  });
});
