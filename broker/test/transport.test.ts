/**
 * Devices over TLS (mqtts://), WebSocket (ws://…/mqtt) and secure WebSocket (wss://…/mqtt): the
 * same broker, authentication, topic ACL, packet-size guard and rate limit as over plain TCP.
 */
import { connect as netConnect, type Socket } from "node:net";
import { topics } from "@helpkey/shared";
import type { Client } from "aedes";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { generate } from "mqtt-packet";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { startBrokerThread, type BrokerThread, type HkBroker } from "../src/index";
import { makeCertificate, type TestCertificate } from "./certificate";
import { authenticate, closeAll, closed, ErrorCodes, inbox, nextMessage, SECRETS, silentLogger, startBroker, track, type Harness } from "./support";
import type { BrokerOptions } from "../src/types";

let pem: TestCertificate;
beforeAll(() => {
  pem = makeCertificate();
});
afterAll(() => pem.remove());

const threads: BrokerThread[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await closeAll();
  for (const t of threads.splice(0)) await t.close();
});

const transports = ["tls", "ws", "wss"] as const;
type Transport = (typeof transports)[number];
const urlOf = (b: HkBroker, t: Transport) => ({ tls: b.tlsUrl, ws: b.wsUrl, wss: b.wssUrl })[t]!;
const portOf = (b: HkBroker, t: Transport) => Number(new URL(urlOf(b, t)).port);
const alarm = (seq: number) => JSON.stringify({ seq, ts: 1, action: "raise", kind: "emergency", trigger: "button" });

const startAll = (overrides: Partial<BrokerOptions> = {}) =>
  startBroker({ tlsPort: 0, wsPort: 0, wssPort: 0, tls: { cert: pem.cert, key: pem.key }, ...overrides });

/** A device client over `t`, trusting the test certificate. */
async function deviceOver(h: Harness | HkBroker, t: Transport, id: string, opts: IClientOptions = {}): Promise<MqttClient> {
  const broker = "broker" in h ? h.broker : h;
  return track(await mqtt.connectAsync(urlOf(broker, t), { ca: pem.cert, clientId: id, username: id, password: SECRETS[id], reconnectPeriod: 0, connectTimeout: 5_000, ...opts }));
}

/** A raw TCP connection; resolves once connected. */
/** Each socket's close, listened for from its creation: a close while other sockets still connect is not missed. */
const closes = new WeakMap<Socket, Promise<void>>();

function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host: "127.0.0.1", port }, () => resolve(s));
    closes.set(s, new Promise<void>((done) => s.once("close", () => done())));
    s.once("error", reject);
    sockets.push(s);
  });
}

const socketClosed = (s: Socket) => closes.get(s) ?? new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once("close", () => resolve())));

const connectPacket = (id: string, password = SECRETS[id]!) =>
  generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, keepalive: 30, clientId: id, username: id, password: Buffer.from(password) });

async function until<T>(probe: () => T | Promise<T>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("device listeners beside plain TCP", () => {
  it("are off unless a port is given", async () => {
    const h = await startBroker();
    expect([h.broker.tlsUrl, h.broker.wsUrl, h.broker.wssUrl]).toEqual([null, null, null]);
  });

  it("have URLs of their own scheme on the broker's host", async () => {
    const h = await startAll();
    expect(h.broker.tlsUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    expect(h.broker.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/);
    expect(h.broker.wssUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/mqtt$/);
  });

  it("refuse to start with a TLS port but no certificate", async () => {
    await expect(startBroker({ tlsPort: 0 })).rejects.toThrow(/need tls/);
    await expect(startBroker({ wssPort: 0 })).rejects.toThrow(/need tls/);
  });

  it.each(transports)("over %s: a device publishes its alarm; a wrong secret and another device's topic are refused", async (t) => {
    const h = await startAll();
    const seen: Client[] = [];
    h.broker.aedes.on("client", (c) => seen.push(c));
    const gateway = await h.service();
    await gateway.subscribeAsync(topics.allAlarms, { qos: 1 });
    const messages = inbox(gateway);

    const device = await deviceOver(h, t, "dev-a");
    const received = nextMessage(gateway, topics.alarm("dev-a"));
    await device.publishAsync(topics.alarm("dev-a"), alarm(1), { qos: 1 });
    expect(await received).toBe(alarm(1));
    // over WebSocket aedes keeps the upgrade request as client.req
    const client = seen.find((c) => c.id === "dev-a")!;
    expect(client.req?.url).toBe(t === "tls" ? undefined : "/mqtt");

    await expect(deviceOver(h, t, "dev-b", { password: "wrong" })).rejects.toThrow(/Bad username or password/);
    expect(await h.refusals(ErrorCodes.MQTT_AUTH_FAILED)).toBe(1);

    const kicked = closed(device);
    device.publish(topics.alarm("dev-b"), alarm(2), { qos: 1 });
    await kicked;
    expect(await h.refusals(ErrorCodes.MQTT_ACL_DENIED)).toBe(1);
    expect(messages.map((m) => m.topic)).toEqual([topics.alarm("dev-a")]);
  });

  it.each(transports)("over %s: a flood beyond the rate limit is refused", async (t) => {
    const h = await startAll({ rateLimit: { perSecond: 0.1, burst: 2 } });
    const flooder = await deviceOver(h, t, "dev-a");
    const kicked = closed(flooder);
    for (let seq = 1; seq <= 5; seq++) flooder.publish(topics.alarm("dev-a"), alarm(seq), { qos: 0 });
    await kicked;
    expect(await h.refusals(ErrorCodes.MQTT_RATE_LIMITED)).toBe(1);
  });

  it.each(["tls", "wss"] as const)("over %s: a device that does not trust the certificate does not connect", async (t) => {
    const h = await startAll();
    await expect(deviceOver(h, t, "dev-a", { ca: undefined })).rejects.toThrow(/self-signed|self signed/);
    expect(h.broker.connectedDevices()).toBe(0);
  });
});

describe("the TLS listener", () => {
  it("gives a plain-text MQTT client no CONNACK", async () => {
    const h = await startAll();
    // the same CONNECT on the plain TCP port is answered: CONNACK, accepted
    const tcp = await rawSocket(h.broker.port);
    const connack = new Promise<Buffer>((resolve) => tcp.once("data", resolve));
    tcp.write(connectPacket("dev-a"));
    expect([...(await connack)]).toEqual([0x20, 0x02, 0x00, 0x00]);

    const plain = await rawSocket(portOf(h.broker, "tls"));
    const replies: Buffer[] = [];
    plain.on("data", (d: Buffer) => replies.push(d));
    plain.on("error", () => {}); // a reset is one way to be turned away
    const gone = socketClosed(plain);
    plain.write(connectPacket("dev-b"));
    await gone;
    // at most a TLS alert record (content type 21), never an MQTT packet
    const reply = Buffer.concat(replies);
    if (reply.length > 0) expect(reply[0]).toBe(21);
    expect(h.broker.connectedDevices()).toBe(1);
  });

  it("cuts off a connection that never finishes its TLS handshake or WebSocket upgrade", async () => {
    const h = await startAll({ handshakeTimeoutMs: 200 });
    const idle = await Promise.all(transports.map((t) => rawSocket(portOf(h.broker, t))));
    for (const s of idle) s.on("error", () => {});
    // without the timeout these stay open until the test times out
    await Promise.all(idle.map(socketClosed));
  });
});

describe("the WebSocket listener", () => {
  it("upgrades only /mqtt with the mqtt subprotocol; any other request is 404", async () => {
    const h = await startAll();
    const base = h.broker.wsUrl!.replace(/^ws:/, "http:").replace(/\/mqtt$/, "");
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/mqtt`)).status).toBe(426);

    const upgradeStatus = (url: string, protocols: string[]) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(url, protocols);
        ws.once("unexpected-response", (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.once("open", () => {
          resolve(101);
          ws.terminate();
        });
        ws.once("error", reject);
      });
    const origin = base.replace(/^http:/, "ws:");
    expect(await upgradeStatus(`${origin}/other`, ["mqtt"])).toBe(404);
    expect(await upgradeStatus(`${origin}/mqtt`, ["chat"])).toBe(400);
    expect(await upgradeStatus(`${origin}/mqtt`, ["mqtt"])).toBe(101);
  });

  it("closes a connection that sends a text frame [MQTT-6.0.0-1]", async () => {
    const h = await startAll();
    const ws = new WebSocket(h.broker.wsUrl!, ["mqtt"]);
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    const connack = new Promise<Buffer>((resolve) => ws.once("message", (d: Buffer) => resolve(d)));
    ws.send(connectPacket("dev-a"));
    expect([...(await connack)]).toEqual([0x20, 0x02, 0x00, 0x00]);
    const gone = new Promise<void>((resolve) => ws.once("close", () => resolve()));
    // a well-formed PUBLISH of the device's own (all its bytes are ASCII), but as text
    const publish = generate({ cmd: "publish", topic: topics.alarm("dev-a"), payload: Buffer.from(alarm(1)), qos: 0, dup: false, retain: false });
    ws.send(publish.toString("latin1"));
    await gone;
  });

  it("refuses an oversize publish like TCP does, and another device goes on", async () => {
    const h = await startAll({ maxPacketBytes: 1024 });
    const gateway = await h.service();
    await gateway.subscribeAsync(topics.allAlarms, { qos: 1 });
    const messages = inbox(gateway);
    const device = await deviceOver(h, "ws", "dev-a");
    const kicked = closed(device);
    device.publish(topics.alarm("dev-a"), "x".repeat(2000), { qos: 1 });
    await kicked;

    const other = await deviceOver(h, "ws", "dev-b");
    const received = nextMessage(gateway, topics.alarm("dev-b"));
    await other.publishAsync(topics.alarm("dev-b"), alarm(1), { qos: 1 });
    await received;
    expect(messages.map((m) => m.topic)).toEqual([topics.alarm("dev-b")]);
    expect(await h.refusals(ErrorCodes.MQTT_PACKET_TOO_LARGE)).toBe(1);
  });

  it("refuses an oversize packet whose header alone arrived, before its body", async () => {
    const h = await startAll();
    const device = await deviceOver(h, "wss", "dev-a");
    const kicked = closed(device);
    // PUBLISH QoS 0 announcing 1 MiB (remaining length 0x80 0x80 0x40), then only a few bytes of it
    device.stream.write(Buffer.from([0x30, 0x80, 0x80, 0x40, 0x00, 0x04, 0x61, 0x62]));
    await kicked;
    expect(await h.refusals(ErrorCodes.MQTT_PACKET_TOO_LARGE)).toBe(1);
  });

  it("refuses a WebSocket message larger than the largest packet, as an oversize packet", async () => {
    const h = await startAll({ maxPacketBytes: 1024 });
    const ws = new WebSocket(h.broker.wsUrl!, ["mqtt"]);
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    const connack = new Promise<Buffer>((resolve) => ws.once("message", (d: Buffer) => resolve(d)));
    ws.send(connectPacket("dev-a"));
    expect([...(await connack)]).toEqual([0x20, 0x02, 0x00, 0x00]);

    const closeCode = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    // one message holding a whole 2,000-byte PUBLISH: ws itself stops reading at maxPayload
    ws.send(generate({ cmd: "publish", topic: topics.alarm("dev-a"), payload: Buffer.alloc(2000, 0x78), qos: 0, dup: false, retain: false }));
    expect(await closeCode).toBe(1009);
    expect(await h.refusals(ErrorCodes.MQTT_PACKET_TOO_LARGE)).toBe(1);
  });
});

describe("close()", () => {
  it("closes every listener and every connection on it, handshakes in progress too", async () => {
    // longer than the test may take: only close() can end the half-open ones in time
    const h = await startAll({ handshakeTimeoutMs: 120_000 });
    const devices = await Promise.all(transports.map((t, i) => deviceOver(h, t, ["dev-a", "dev-b", "dev-c"][i]!)));
    const half = await Promise.all([rawSocket(portOf(h.broker, "tls")), rawSocket(portOf(h.broker, "ws")), rawSocket(portOf(h.broker, "wss"))]);
    for (const s of half) s.on("error", () => {});
    const allClosed = Promise.all([...devices.map(closed), ...half.map(socketClosed)]);

    await h.broker.close();
    await allClosed;
    for (const t of transports) {
      await expect(rawSocket(portOf(h.broker, t))).rejects.toMatchObject({ code: "ECONNREFUSED" });
    }
  });
});

describe("on the broker thread", () => {
  it("listens over TLS, WS and WSS, and again on the same ports after the thread is started again", async () => {
    const broker = await startBrokerThread({ logger: silentLogger, authenticate, tlsPort: 0, wsPort: 0, wssPort: 0, tls: { cert: pem.cert, key: pem.key } });
    threads.push(broker);
    const devices = await Promise.all(transports.map((t, i) => deviceOver(broker, t, ["dev-a", "dev-b", "dev-c"][i]!, { reconnectPeriod: 100 })));
    await until(() => broker.connectedDevices() === 3, "three devices counted");

    const first = broker.worker;
    await first.terminate();
    await until(() => broker.worker !== first && broker.isRunning(), "the thread running again");
    // each device reconnects to the URL it was given
    await until(() => devices.every((d) => d.connected) && broker.connectedDevices() === 3, "the devices back on their URLs");
  });
});
