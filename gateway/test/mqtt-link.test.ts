/**
 * The gateway's link to the broker starts even when its first connection is reset (a district's
 * reconnect storm overflowing the broker's listen queue after a restart), and stops at a refusal.
 */
import { createServer, connect as tcpConnect, type AddressInfo, type Server } from "node:net";
import { pino } from "pino";
import { afterEach, expect, it } from "vitest";
import { createBroker, type InProcessBroker } from "@helpkey/broker";
import { MqttLink } from "../src/ingest/mqtt-link";

const SERVICE = { username: "svc:gateway", password: "link-test-secret" };
let broker: InProcessBroker | undefined;
let proxy: Server | undefined;
let link: MqttLink | undefined;
afterEach(async () => {
  await link?.close();
  await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
  await broker?.close();
  link = undefined;
  proxy = undefined;
});

async function start() {
  const silent = pino({ level: "silent" });
  broker = await createBroker({
    logger: silent,
    authenticate: async (c) => (c.username === SERVICE.username && c.password?.toString() === SERVICE.password ? { role: "service", name: c.clientId } : null),
  });
  // a TCP hop in front of the broker that resets the first connection, as an overflowing listen queue did
  let connections = 0;
  proxy = createServer((socket) => {
    if (++connections === 1) return void socket.resetAndDestroy();
    const upstream = tcpConnect(broker!.port, "127.0.0.1");
    socket.pipe(upstream).pipe(socket);
    socket.on("error", () => upstream.destroy());
    upstream.on("error", () => socket.destroy());
  });
  await new Promise<void>((r) => proxy!.listen(0, "127.0.0.1", r));
  const warnings: string[] = [];
  const logger = pino({ level: "warn" }, { write: (l: string) => void warnings.push(String((JSON.parse(l) as { msg: string }).msg)) });
  return { url: `mqtt://127.0.0.1:${(proxy.address() as AddressInfo).port}`, logger, warnings, connections: () => connections };
}

it("retries a reset first connection instead of failing the start", async () => {
  const s = await start();
  link = await MqttLink.connect({ url: s.url, clientId: "svc:gateway", ...SERVICE, logger: s.logger, onMessage: () => {}, afterDurable: (fn) => fn() });
  expect(link.connected).toBe(true);
  expect(s.connections()).toBeGreaterThanOrEqual(2);
  expect(s.warnings).toContain("mqtt link: connecting to the broker failed; retrying");
});

it("fails the start when the broker refuses the service's credentials", async () => {
  const s = await start();
  await expect(MqttLink.connect({ url: s.url, clientId: "svc:gateway", username: SERVICE.username, password: "wrong", logger: s.logger, onMessage: () => {}, afterDurable: (fn) => fn() })).rejects.toThrow(/Bad username or password|Not authorized/i);
});
