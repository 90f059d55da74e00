/**
 * The broker on its own thread (broker/src/thread): the same broker as createBroker, with the
 * credential check, logs and metrics crossing to the caller's thread, and a thread that dies
 * started again on the same port.
 */
import { createServer, type AddressInfo } from "node:net";
import mqtt from "mqtt";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { topics } from "@helpkey/shared";
import { startBrokerThread, type BrokerThread } from "../src/index";
import { authenticate, ErrorCodes, SECRETS, SERVICE, track, closeAll } from "./support";

const open: BrokerThread[] = [];
afterEach(async () => {
  await closeAll();
  for (const b of open.splice(0)) await b.close();
});

async function until<T>(probe: () => T | Promise<T>, what: string, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function start(servicePort?: number) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: "info" }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  const checked: string[] = [];
  const broker = await startBrokerThread({ logger, authenticate: (c) => (checked.push(c.clientId), authenticate(c)), ...(servicePort !== undefined ? { servicePort } : {}) });
  open.push(broker);
  return { broker, lines, checked };
}

describe("the broker thread", () => {
  it("asks the caller's authenticate, forwards its refusals to the caller's log and its metrics to the scrape", async () => {
    const { broker, lines, checked } = await start();
    const dev = track(await mqtt.connectAsync(broker.url, { clientId: "dev-a", username: "dev-a", password: SECRETS["dev-a"], reconnectPeriod: 0 }));
    expect(dev.connected).toBe(true);
    expect(checked).toContain("dev-a");
    await expect(mqtt.connectAsync(broker.url, { clientId: "dev-b", username: "dev-b", password: "wrong", reconnectPeriod: 0 })).rejects.toThrow();
    const refusal = await until(() => lines.find((l) => l.code === ErrorCodes.MQTT_AUTH_FAILED), "the refusal's log line");
    expect(refusal).toMatchObject({ level: 40, msg: expect.stringContaining("mqtt refused") });
    await until(() => broker.connectedDevices() === 1, "one device counted");
    const text = await broker.metricsText();
    expect(text).toMatch(/^hk_mqtt_connections 1$/m);
    expect(Number(/^hk_broker_thread_heap_used_bytes (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(1_000_000);
    expect(text).toMatch(new RegExp(`^hk_mqtt_refusals_total\\{reason="${ErrorCodes.MQTT_AUTH_FAILED}"\\} 1$`, "m"));
  });

  it("carries each CONNECT's source address and deadline to the caller, and its retry-later or throw back as CONNACK 3", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: "info" }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
    const seen: { clientId: string; remoteAddress?: string | undefined; deadline?: number | undefined; at: number }[] = [];
    const broker = await startBrokerThread({
      logger,
      authenticate: async (c) => {
        seen.push({ clientId: c.clientId, remoteAddress: c.remoteAddress, deadline: c.deadline, at: Date.now() });
        if (c.clientId === "dev-b") return { retryLater: "budget spent" };
        if (c.clientId === "dev-c") throw new Error("database is locked");
        return authenticate(c);
      },
    });
    open.push(broker);
    track(await mqtt.connectAsync(broker.url, { clientId: "dev-a", username: "dev-a", password: SECRETS["dev-a"], reconnectPeriod: 0 }));
    expect(seen[0]).toMatchObject({ clientId: "dev-a", remoteAddress: "127.0.0.1" });
    // the broker gives up waiting 10 s after the CONNECT: work for it after then is wasted
    expect(seen[0]!.deadline).toBeGreaterThan(seen[0]!.at);
    expect(seen[0]!.deadline).toBeLessThanOrEqual(seen[0]!.at + 10_000);
    await expect(mqtt.connectAsync(broker.url, { clientId: "dev-b", username: "dev-b", password: SECRETS["dev-b"], reconnectPeriod: 0 })).rejects.toMatchObject({ code: 3 });
    await expect(mqtt.connectAsync(broker.url, { clientId: "dev-c", username: "dev-c", password: SECRETS["dev-c"], reconnectPeriod: 0 })).rejects.toMatchObject({ code: 3 });
    await until(() => lines.some((l) => l.deviceId === "dev-c"), "the second refusal's log line");
    expect(lines.find((l) => l.deviceId === "dev-b")).toMatchObject({ source: "127.0.0.1", returnCode: 3, msg: "mqtt refused: budget spent" });
    expect(lines.find((l) => l.deviceId === "dev-c")).toMatchObject({ returnCode: 3, msg: "mqtt refused: authenticate failed", err: expect.objectContaining({ message: "database is locked" }) });
  });

  it("starts a thread that died again on the same port, and its devices come back", async () => {
    const { broker, lines } = await start();
    const dev = track(await mqtt.connectAsync(broker.url, { clientId: "dev-a", username: "dev-a", password: SECRETS["dev-a"], reconnectPeriod: 100 }));
    const first = broker.worker;
    await first.terminate();
    expect(broker.isRunning()).toBe(false);
    await until(() => broker.worker !== first && broker.isRunning(), "the thread running again");
    expect(lines.some((l) => l.level === 50 && String(l.msg).includes("broker thread stopped"))).toBe(true);
    await until(() => dev.connected && broker.connectedDevices() === 1, "the device back on the same URL");
  });

  it("gives the gateway's link a listener of its own on 127.0.0.1, kept on the same port when the thread is started again", async () => {
    const { broker } = await start(0);
    const service = new URL(broker.serviceUrl!);
    expect(service.hostname).toBe("127.0.0.1");
    expect(service.port).not.toBe(String(broker.port));
    const link = track(await mqtt.connectAsync(broker.serviceUrl!, { clientId: "svc-link", ...SERVICE, reconnectPeriod: 100 }));
    await link.subscribeAsync(topics.allAlarms, { qos: 1 });
    const got: string[] = [];
    link.on("message", (topic) => got.push(topic));
    const dev = track(await mqtt.connectAsync(broker.url, { clientId: "dev-a", username: "dev-a", password: SECRETS["dev-a"], reconnectPeriod: 0 }));
    await dev.publishAsync(topics.alarm("dev-a"), JSON.stringify({ v: 1 }), { qos: 1 });
    await until(() => got.includes(topics.alarm("dev-a")), "the device's alarm at the link");

    const first = broker.worker;
    await first.terminate();
    await until(() => broker.worker !== first && broker.isRunning(), "the thread running again");
    await until(() => link.connected, "the link back on the same service URL");
    expect(broker.serviceUrl).toBe(service.href.replace(/\/$/, ""));
  });

  it("without a service port there is no second listener", async () => {
    const { broker } = await start();
    expect(broker.serviceUrl).toBeNull();
  });

  it("a start on a port in use fails, and no thread is started again", async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: "info" }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
    try {
      await expect(startBrokerThread({ logger, authenticate, port: (taken.address() as AddressInfo).port })).rejects.toThrow(/EADDRINUSE/);
      await new Promise((r) => setTimeout(r, 800)); // longer than the restart delay
      expect(lines.filter((l) => String(l.msg).includes("starting it again"))).toEqual([]);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it("close stops the thread and its port", async () => {
    const { broker } = await start();
    await broker.close();
    expect(broker.isRunning()).toBe(false);
    await expect(mqtt.connectAsync(broker.url, { clientId: "dev-a", username: "dev-a", password: SECRETS["dev-a"], reconnectPeriod: 0, connectTimeout: 1_000 })).rejects.toThrow();
  });
});
