/**
 * A neighbour's device gone wrong: logged in with its own good credentials, it publishes alarms
 * (a new seq each) and statuses in bursts far over its rate limit; each time the broker closes it
 * for that, or refuses its CONNECT, it reconnects after `reconnectMs` (no backoff) with a Last Will,
 * and floods again. Raw sockets and mqtt-packet, so nothing in a client library slows it down. It
 * runs in a process of its own (neighbour-flood-process.ts), paused and resumed over IPC: a flood
 * written from the test's own event loop would slow the gateway there, not through the broker.
 */
import { fork } from "node:child_process";
import { connect as netConnect, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { topics } from "@helpkey/shared";
import { generate, parser } from "mqtt-packet";

export interface FloodCounts {
  /** Publishes written, connections made, CONNACKs that refused. */
  publishes: number;
  connections: number;
  refused: number;
}

export interface FloodOptions {
  port: number;
  localAddress: string;
  id: string;
  secret: string;
  /** Publishes in each connection's one write (default 100). */
  burst?: number;
  /** Wait after a close before connecting again (default 0: at once). */
  reconnectMs?: number;
}

export type FloodCommand = "flood" | "pause" | "counts" | "stop";

export interface NeighbourFlood {
  /** Starts (again) and resolves once it runs. */
  flood(): Promise<void>;
  /** Stops flooding and resolves once its connection is closed. */
  pause(): Promise<void>;
  counts(): Promise<FloodCounts>;
  stop(): Promise<void>;
}

/** The flood's process, paused until `flood()`. */
export async function startNeighbourFlood(o: FloodOptions): Promise<NeighbourFlood> {
  const child = fork(fileURLToPath(new URL("./neighbour-flood-process.ts", import.meta.url)), [JSON.stringify(o)], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ask = <T>(cmd: FloodCommand) =>
    new Promise<T>((resolve, reject) => {
      const onExit = () => reject(new Error(`the flood process exited before answering "${cmd}"`));
      child.once("exit", onExit);
      child.once("message", (m) => {
        child.off("exit", onExit);
        resolve(m as T);
      });
      child.send(cmd);
    });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`the flood process exited (${code}) before it started`)));
  });
  return {
    flood: () => ask<void>("flood"),
    pause: () => ask<void>("pause"),
    counts: () => ask<FloodCounts>("counts"),
    stop: async () => {
      if (child.connected) child.send("stop");
      await exited;
    },
  };
}

/** The flood itself, in the calling process. */
export function flooder(o: FloodOptions): { flood(): void; pause(): Promise<void>; counts(): FloodCounts } {
  const burst = o.burst ?? 100;
  const counts: FloodCounts = { publishes: 0, connections: 0, refused: 0 };
  let seq = 1_000_000;
  let messageId = 0;
  let running = false;
  let socket: Socket | null = null;
  let closed: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const nextId = () => (messageId = (messageId % 65535) + 1);
  const packets = (): Buffer => {
    const out: Buffer[] = [];
    for (let i = 0; i < burst; i++) {
      const alarm = i % 2 === 0;
      const payload = alarm
        ? JSON.stringify({ seq: seq++, ts: Date.now(), action: "raise", kind: "emergency", trigger: "button" })
        : JSON.stringify({ online: true, battery: 90, fw: "flood/1" });
      out.push(generate({ cmd: "publish", topic: alarm ? topics.alarm(o.id) : topics.status(o.id), payload, qos: 1, messageId: nextId(), retain: !alarm, dup: false }));
    }
    counts.publishes += burst;
    return Buffer.concat(out);
  };
  const open = () => {
    if (!running) return;
    counts.connections++;
    const s = netConnect({ host: "127.0.0.1", port: o.port, localAddress: o.localAddress, noDelay: true });
    socket = s;
    const incoming = parser({ protocolVersion: 4 });
    incoming.on("packet", (p) => {
      if (p.cmd !== "connack") return;
      if (p.returnCode !== 0) counts.refused++;
      // one burst: the broker closes the connection at the first publish over the limit
      else s.write(packets());
    });
    incoming.on("error", () => s.destroy());
    s.on("data", (d: Buffer) => void incoming.parse(d));
    s.on("error", () => undefined);
    closed = new Promise((resolve) => s.once("close", () => resolve()));
    s.once("close", () => {
      timer = setTimeout(open, o.reconnectMs ?? 0);
    });
    s.on("connect", () =>
      s.write(generate({
        cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, keepalive: 60, clientId: o.id, username: o.id, password: Buffer.from(o.secret),
        will: { topic: topics.status(o.id), payload: Buffer.from(JSON.stringify({ online: false })), qos: 1, retain: true },
      })),
    );
  };
  return {
    flood() {
      if (running) return;
      running = true;
      open();
    },
    async pause() {
      running = false;
      clearTimeout(timer);
      socket?.destroy();
      await closed;
    },
    counts: () => ({ ...counts }),
  };
}
