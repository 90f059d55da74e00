import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, ErrorCodes, SECRETS, startBroker } from "./support";

afterEach(closeAll);

describe("authentication (client id = username = device id)", () => {
  it("connects a device with correct credentials and counts it", async () => {
    const h = await startBroker();
    const client = await h.device("dev-a");
    expect(client.connected).toBe(true);
    expect(h.broker.connectedDevices()).toBe(1);
    expect(await h.metric("hk_mqtt_connections")).toBe(1);
    expect(await h.refusals(ErrorCodes.MQTT_AUTH_FAILED)).toBe(0);
  });

  it("refuses a wrong password with CONNACK 4 and counts it", async () => {
    const h = await startBroker();
    const attempt = h.connect({ clientId: "dev-a", username: "dev-a", password: "wrong" });
    await expect(attempt).rejects.toMatchObject({ code: 4 });
    expect(await h.refusals(ErrorCodes.MQTT_AUTH_FAILED)).toBe(1);
    expect(h.broker.connectedDevices()).toBe(0);
  });

  it("refuses a device whose client id differs from its username with CONNACK 5", async () => {
    const h = await startBroker();
    const attempt = h.connect({ clientId: "dev-b", username: "dev-a", password: SECRETS["dev-a"] });
    await expect(attempt).rejects.toMatchObject({ code: 5 });
    expect(await h.refusals(ErrorCodes.MQTT_AUTH_FAILED)).toBe(1);
    expect(h.broker.connectedDevices()).toBe(0);
  });

  it("refuses with CONNACK 3 (server unavailable) when the authenticator throws", async () => {
    const h = await startBroker({
      authenticate: async () => {
        throw new Error("database is locked");
      },
    });
    await expect(h.device("dev-a")).rejects.toMatchObject({ code: 3 });
    expect(await h.refusals(ErrorCodes.MQTT_AUTH_FAILED)).toBe(1);
  });

  it("refuses a retry-later decision with CONNACK 3, logged with its reason and the source address", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const h = await startBroker({ logger: pino({ level: "warn" }, sink), authenticate: async () => ({ retryLater: "too many failed checks from this address" }) });
    await expect(h.device("dev-a")).rejects.toMatchObject({ code: 3 });
    expect(await h.refusals(ErrorCodes.MQTT_AUTH_FAILED)).toBe(1);
    const refusal = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.code === ErrorCodes.MQTT_AUTH_FAILED);
    expect(refusal).toMatchObject({ deviceId: "dev-a", source: "127.0.0.1", returnCode: 3, msg: "mqtt refused: too many failed checks from this address" });
  });

  it("logs a refusal with the device id and code, never the password", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const h = await startBroker({ logger: pino({ level: "warn" }, sink) });
    await expect(h.connect({ clientId: "dev-a", username: "dev-a", password: "hunter2-not-it" })).rejects.toMatchObject({ code: 4 });
    const refusal = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.code === ErrorCodes.MQTT_AUTH_FAILED);
    expect(refusal).toMatchObject({ level: 40, deviceId: "dev-a", code: ErrorCodes.MQTT_AUTH_FAILED, returnCode: 4 });
    expect(lines.join("")).not.toContain("hunter2-not-it");
  });

  it("a second connection with the same device id takes over the first [MQTT-3.1.4-2]", async () => {
    const h = await startBroker();
    const first = await h.device("dev-a");
    const firstClosed = new Promise<void>((resolve) => first.once("close", () => resolve()));
    const second = await h.device("dev-a");
    await firstClosed;
    expect(second.connected).toBe(true);
    expect(h.broker.connectedDevices()).toBe(1);
  });
});
