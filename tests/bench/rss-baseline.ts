/**
 * `pnpm tsx tests/bench/rss-baseline.ts [N] [--heap]`: what one idle connection costs in RSS, layer by
 * layer, to explain the bench's "RSS per connected device". In a child process each time:
 * - net:    a bare Node TCP server holding N sockets (the floor for any Node broker);
 * - lean:   the floor of a broker core in Node on the same parser as aedes (mqtt-packet): per socket
 *           one parser and one session record (client id, its two subscriptions, its will), CONNACK
 *           and SUBACK answered; what a core leaner than aedes could reach;
 * - framed: the same with one parser for all sockets: each socket keeps only the bytes of a packet
 *           not yet complete (framer below) and hands whole packets to the parser;
 * - aedes:  aedes 1.2 as it comes (its in-memory persistence, no hooks): what aedes itself holds;
 * - broker: our broker (aedes 1.2 + policies) with N devices connected and subscribed, no gateway.
 * The bench's own figure adds the gateway (device and household caches, the retained statuses).
 * `--heap` also shows what one connection holds on the V8 heap, by object kind, for aedes alone and
 * for our broker: the difference is what our policies add.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Server, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { topics } from "@helpkey/shared";
import { generate, type Packet } from "mqtt-packet";
import { heapGrowth } from "./lib/heap-diff";

/** Connections made before the first heap snapshot, so one-time costs (code, caches) stay out of the per-connection figure. */
const WARM = 200;

const HELP = `Usage: pnpm tsx tests/bench/rss-baseline.ts [N] [--heap]
Prints the RSS per idle connection (connected and subscribed as a device does) of five layers,
each in a fresh process: net (a bare Node TCP server), framed (a lean broker core with one parser
for all sockets), lean (one mqtt-packet parser per socket), aedes (aedes as it comes, no hooks),
broker (ours: aedes and its policies).
  N       idle connections per layer, 100 to 19000 (default 5000)
  --heap  also: what one connection holds on the V8 heap, by object kind, for aedes alone and for
          our broker: two heap snapshots of each, after ${WARM} connections and after N more (a few
          seconds and a few hundred MB of disk in a temporary directory, removed afterwards)`;

type Reply = { port?: number; rss?: number; snapshot?: string };

async function child(mode: string): Promise<void> {
  const { createServer } = await import("node:net");
  const { writeHeapSnapshot } = await import("node:v8");
  let port: number;
  if (mode === "net") {
    const server = createServer((s) => s.on("data", () => undefined));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    port = (server.address() as { port: number }).port;
  } else if (mode === "lean" || mode === "framed") {
    port = await leanFloor(mode === "framed");
  } else if (mode === "aedes") {
    const { Aedes } = await import("aedes");
    const aedes = await Aedes.createBroker();
    port = await listenLocal(createServer({ noDelay: true }, (socket) => void aedes.handle(socket)));
  } else {
    const { createBroker } = await import("@helpkey/broker");
    const { createLogger } = await import("@helpkey/gateway/logger");
    const broker = await createBroker({
      host: "127.0.0.1", port: 0, logger: createLogger("silent"),
      authenticate: async ({ username }) => (username ? { role: "device", deviceId: username } : null),
    });
    port = broker.port;
  }
  process.send!({ port });
  process.on("message", (m: { snapshot?: string }) => {
    (globalThis as { gc?: () => void }).gc?.();
    setTimeout(() => process.send!(m.snapshot ? { snapshot: writeHeapSnapshot(m.snapshot) } : { rss: process.memoryUsage().rss }), 500);
  });
}

/**
 * The "lean" and "framed" layers: only what a device's session needs, on mqtt-packet's parser and
 * generator; `shared`: one parser for all sockets, each socket framing its own bytes.
 */
async function leanFloor(shared: boolean): Promise<number> {
  const { createServer } = await import("node:net");
  const { parser: mqttParser } = await import("mqtt-packet");
  const sessions = new Map<string, { subscriptions: string[]; will: Buffer | null }>();
  const one = shared ? mqttParser({ protocolVersion: 4 }) : null;
  let current: (p: Packet) => void = () => undefined;
  one?.on("packet", (p) => current(p));
  const server = createServer({ noDelay: true }, (socket) => {
    let id: string | null = null;
    const onPacket = (p: Packet) => {
      if (p.cmd === "connect") {
        id = p.clientId;
        const will = p.will ? generate({ cmd: "publish", topic: p.will.topic, payload: p.will.payload, qos: 1, retain: true, messageId: 1, dup: false }) : null;
        sessions.set(id, { subscriptions: [], will });
        socket.write(generate({ cmd: "connack", returnCode: 0, sessionPresent: false }));
      } else if (p.cmd === "subscribe" && id) {
        sessions.get(id)?.subscriptions.push(...p.subscriptions.map((s) => s.topic));
        socket.write(generate({ cmd: "suback", messageId: p.messageId!, granted: p.subscriptions.map(() => 1) }));
      }
    };
    if (one) {
      const frames = framer((whole) => {
        current = onPacket;
        one.parse(whole);
      });
      socket.on("data", (chunk: Buffer) => frames(chunk) || socket.destroy());
    } else {
      const parser = mqttParser({ protocolVersion: 4 });
      parser.on("packet", onPacket);
      socket.on("data", (chunk: Buffer) => parser.parse(chunk));
    }
    socket.on("error", () => undefined);
    socket.on("close", () => id && sessions.delete(id));
  });
  return listenLocal(server);
}

/**
 * Splits one socket's bytes into whole packets by their Remaining Length [MQTT-2.2.3], keeping only
 * the bytes of a packet not yet complete. False on a malformed length.
 */
function framer(onPacket: (whole: Buffer) => void): (chunk: Buffer) => boolean {
  let rest: Buffer | null = null;
  return (chunk) => {
    const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const end = packetEnd(buf, start);
      if (end === -1) return false;
      if (end === null || end > buf.length) break;
      onPacket(buf.subarray(start, end));
      start = end;
    }
    rest = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
    return true;
  };
}

/** Where the packet at `start` ends; null while its fixed header is incomplete, -1 when malformed. */
function packetEnd(buf: Buffer, start: number): number | null {
  let length = 0;
  for (let k = 0, scale = 1; k < 4; k++, scale *= 128) {
    const b = buf[start + 1 + k];
    if (b === undefined) return null;
    length += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return start + 2 + k + length;
  }
  return -1;
}

/** Listens on a free port of 127.0.0.1 with room for a connect storm in the accept queue; the port. */
async function listenLocal(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, () => r()));
  return (server.address() as { port: number }).port;
}

function start(mode: string): { cp: ChildProcess; ask: (m: object) => Promise<Reply> } {
  const cp = fork(fileURLToPath(import.meta.url), ["--child", mode], { execArgv: ["--import", "tsx", "--expose-gc"] });
  const next = () => new Promise<Reply>((r) => cp.once("message", (m) => r(m as Reply)));
  return { cp, ask: (m) => (cp.send(m), next()) };
}

/** Devices `from` … `to - 1` connect, subscribe as a real device does, and stay idle. */
async function connectDevices(port: number, from: number, to: number, sockets: Socket[]): Promise<void> {
  for (let i = from; i < to; i++) {
    const id = `rss-${i}`;
    const s = connect({ host: "127.0.0.1", port, localAddress: `127.0.0.${2 + (i % 4)}` });
    s.on("error", () => undefined);
    s.on("connect", () => {
      s.write(generate({
        cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, keepalive: 600, clientId: id, username: id, password: Buffer.from("x"),
        will: { topic: topics.status(id), payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
      }));
      s.write(generate({ cmd: "subscribe", messageId: 1, subscriptions: [{ topic: topics.ack(id), qos: 1 }, { topic: topics.cmd(id), qos: 1 }] }));
    });
    sockets.push(s);
    if (i % 500 === 499) await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 3000));
}

async function measure(mode: string, n: number): Promise<number> {
  const { cp, ask } = start(mode);
  const sockets: Socket[] = [];
  try {
    const { port } = await new Promise<Reply>((r) => cp.once("message", (m) => r(m as Reply)));
    const before = (await ask({})).rss!;
    await connectDevices(port!, 0, n, sockets);
    const after = (await ask({})).rss!;
    return (after - before) / n / 1024;
  } finally {
    for (const s of sockets) s.destroy();
    cp.kill();
  }
}

async function heapPerConnection(mode: string, n: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hk-heap-"));
  const { cp, ask } = start(mode);
  const sockets: Socket[] = [];
  try {
    const { port } = await new Promise<Reply>((r) => cp.once("message", (m) => r(m as Reply)));
    await connectDevices(port!, 0, WARM, sockets);
    const before = (await ask({ snapshot: path.join(dir, "before.heapsnapshot") })).snapshot!;
    await connectDevices(port!, WARM, WARM + n, sockets);
    const after = (await ask({ snapshot: path.join(dir, "after.heapsnapshot") })).snapshot!;
    const rows = heapGrowth(before, after, n);
    const total = rows.reduce((sum, r) => sum + r.bytesPer, 0);
    console.log(`\n${mode} V8 heap per connection: ${(total / 1024).toFixed(1)} KiB (after ${WARM} connections, ${n} more), largest kinds:`);
    console.log("| bytes | objects | kind |\n|---:|---:|---|");
    for (const r of rows.slice(0, 25)) console.log(`| ${r.bytesPer.toFixed(0)} | ${r.objectsPer.toFixed(2)} | ${r.kind} |`);
  } finally {
    for (const s of sockets) s.destroy();
    cp.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child") {
  await child(process.argv[3]!);
} else if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(HELP);
} else {
  const args = process.argv.slice(2).filter((a) => a !== "--heap");
  const n = Number(args[0] ?? 5000);
  if (!Number.isInteger(n) || n < 100 || n > 19_000 || args.length > 1) {
    console.error(`N must be a whole number from 100 to 19000\n${HELP}`);
    process.exit(2);
  }
  for (const mode of ["net", "framed", "lean", "aedes", "broker"]) console.log(`${mode.padEnd(7)} ${(await measure(mode, n)).toFixed(1)} KiB RSS per idle connection (${n} connections)`);
  if (process.argv.includes("--heap")) for (const mode of ["aedes", "broker"]) await heapPerConnection(mode, n);
}
