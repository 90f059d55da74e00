/**
 * What one source address may cost before it logs in: the CONNECT timeout, connections waiting for
 * their CONNACK per address, new connections a second per address; and bytes that are no MQTT are
 * refused and counted like every other refusal.
 */
import { connect as netConnect, type Socket } from "node:net";
import { topics } from "@helpkey/shared";
import { generate } from "mqtt-packet";
import { afterEach, describe, expect, it } from "vitest";
import { authenticate, closeAll, closed, ErrorCodes, inbox, nextMessage, SECRETS, startBroker, type Harness } from "./support";

const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await closeAll();
});

interface Raw {
  socket: Socket;
  /** Resolves when the broker closes it. */
  closed: Promise<void>;
  /** Resolves with the first bytes the broker sends. */
  firstData: Promise<Buffer>;
}

/** A raw TCP connection to the broker from `localAddress`, once it is established. */
async function raw(h: Harness, localAddress = "127.0.0.1"): Promise<Raw> {
  const socket = netConnect({ host: "127.0.0.1", port: h.broker.port, localAddress, noDelay: true });
  sockets.push(socket);
  socket.on("error", () => undefined);
  const closedP = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const firstData = new Promise<Buffer>((resolve) => socket.once("data", resolve));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("close", () => reject(new Error("closed before it connected")));
  });
  return { socket, closed: closedP, firstData };
}

/** A device's CONNECT on the raw socket; resolves with the CONNACK's return code. */
async function login(r: Raw, id: string): Promise<number> {
  r.socket.write(generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, keepalive: 60, clientId: id, username: id, password: Buffer.from(SECRETS[id]!) }));
  const connack = await r.firstData;
  expect(connack[0]).toBe(0x20);
  return connack[3]!;
}

describe("CONNECT timeout", () => {
  it("closes a connection that sends nothing, and counts it; one that sends CONNECT in time stays", async () => {
    const h = await startBroker({ connectTimeoutMs: 300 });
    const silent = await raw(h);
    const prompt = await raw(h);
    expect(await login(prompt, "dev-a")).toBe(0);
    await silent.closed;
    expect(await h.refusals(ErrorCodes.MQTT_CONNECT_TIMEOUT)).toBe(1);
    expect(prompt.socket.destroyed).toBe(false);
  });
});

describe("connections waiting for their CONNACK, per source address", () => {
  it("closes the one over the limit at once; other addresses and logged-in connections are not held to it", async () => {
    const h = await startBroker({ pendingPerSource: 3 });
    const waiting = [await raw(h), await raw(h), await raw(h)];
    const over = await raw(h);
    await over.closed;
    expect(await h.refusals(ErrorCodes.MQTT_CONNECTION_LIMIT)).toBe(1);
    // another address has a budget of its own
    const neighbour = await raw(h, "127.0.0.2");
    expect(await login(neighbour, "dev-b")).toBe(0);
    // a waiting connection that logs in gives its place back: a new one from the same address is let in
    expect(await login(waiting[0]!, "dev-a")).toBe(0);
    const next = await raw(h);
    expect(await login(next, "dev-c")).toBe(0);
    expect(await h.refusals(ErrorCodes.MQTT_CONNECTION_LIMIT)).toBe(1);
  });

  it("gives the place back when a waiting connection closes", async () => {
    const h = await startBroker({ pendingPerSource: 1 });
    const first = await raw(h);
    first.socket.destroy();
    await first.closed;
    // the broker sees the close a moment later: the next one is let in once it has
    let next: Raw | undefined;
    for (let i = 0; i < 50 && !next; i++) {
      const r = await raw(h);
      const outcome = await Promise.race([r.closed.then(() => "closed"), login(r, "dev-a").then(() => "in")]);
      if (outcome === "in") next = r;
    }
    expect(next).toBeDefined();
  });
});

describe("new connections a second, per source address", () => {
  it("admits the burst, closes the rest at accept, and counts them; another address goes on", async () => {
    const h = await startBroker({ connectRate: { perSecond: 0.01, burst: 2 } });
    const a = await raw(h);
    const b = await raw(h);
    const refused = await raw(h);
    await refused.closed;
    expect(await h.refusals(ErrorCodes.MQTT_CONNECTION_LIMIT)).toBe(1);
    expect(await login(a, "dev-a")).toBe(0);
    expect(await login(b, "dev-b")).toBe(0);
    expect(await login(await raw(h, "127.0.0.3"), "dev-c")).toBe(0);
  });
});

describe("logins per device id", () => {
  it("answers a device that logs in too often CONNACK 3 before checking its secret; wrong secrets do not spend its budget", async () => {
    const checked: string[] = [];
    const h = await startBroker({
      deviceConnectRate: { perSecond: 0.01, burst: 2 },
      authenticate: async (c) => {
        checked.push(c.username ?? "");
        return authenticate(c);
      },
    });
    // a stranger naming dev-a with wrong secrets: refused (4), and dev-a's budget untouched
    for (let i = 0; i < 3; i++) await expect(h.connect({ clientId: "dev-a", username: "dev-a", password: "wrong" })).rejects.toMatchObject({ code: 4 });
    for (let i = 0; i < 2; i++) await (await h.device("dev-a")).endAsync();
    const checks = checked.length;
    await expect(h.device("dev-a")).rejects.toMatchObject({ code: 3 });
    expect(checked).toHaveLength(checks);
    expect(await h.refusals(ErrorCodes.MQTT_CONNECTION_LIMIT)).toBe(1);
    // another device has a budget of its own
    expect((await h.device("dev-b")).connected).toBe(true);
  });
});

describe("bytes that are not MQTT", () => {
  it("closes the connection and counts each as malformed; the gateway's feed goes on", async () => {
    const h = await startBroker();
    const gateway = await h.service();
    await gateway.subscribeAsync(topics.allAlarms, { qos: 1 });
    const messages = inbox(gateway);
    const garbage = [
      Buffer.from([0x1f, 0x00]), // CONNECT with reserved flag bits set [MQTT-2.2.2-2]
      Buffer.from([0xc0, 0x00]), // PINGREQ before CONNECT [MQTT-3.1.0-1]
      Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
    ];
    for (const bytes of garbage) {
      const r = await raw(h);
      r.socket.write(bytes);
      await r.closed;
    }
    expect(await h.refusals(ErrorCodes.MQTT_MALFORMED)).toBe(garbage.length);

    // a refusal decided by a policy (another device's topic) is counted once, under its own code
    const device = await h.device("dev-a");
    const kicked = closed(device);
    device.publish(topics.alarm("dev-b"), "{}", { qos: 1 });
    await kicked;
    const other = await h.device("dev-b");
    const received = nextMessage(gateway, topics.alarm("dev-b"));
    await other.publishAsync(topics.alarm("dev-b"), "{}", { qos: 1 });
    await received;
    expect(await h.refusals(ErrorCodes.MQTT_ACL_DENIED)).toBe(1);
    expect(await h.refusals(ErrorCodes.MQTT_MALFORMED)).toBe(garbage.length);
    expect(messages.map((m) => m.topic)).toEqual([topics.alarm("dev-b")]);
  });
});
