/**
 * The bench's observer, a process of its own so that its receive times are not delayed by the
 * coordinator's work: the dispatcher console over WebSocket (helpkey runs), or a plain MQTT
 * subscriber that stands in for the gateway (Mosquitto runs: the pub → sub hop, and an echo of an
 * ack so the devices measure a broker-only round trip with the same code as press → ack).
 */
import mqtt, { type MqttClient } from "mqtt";
import WebSocket from "ws";
import { indexOfDeviceId } from "@helpkey/firmware-sim/fleet/credentials";
import { hrNow } from "@helpkey/firmware-sim/fleet/light-device";
import { parseTopic, topics } from "@helpkey/shared";

export type ObserverCommand =
  | { t: "console"; httpUrl: string; token: string }
  | { t: "sink"; url: string; echo: boolean }
  | { t: "close" }
  | { t: "flush"; immediate: boolean }
  | { t: "clock"; id: number }
  | { t: "exit" };

/** [device index, received at, 1 = alert.created | 2 = alert.pressed | 3 = alert.acknowledged (a contact claimed it), alertId] */
export type ConsoleSample = [number, number, number, number];
/** [device index, seq, received at] */
export type HopSample = [number, number, number];

export type ObserverEvent =
  | { t: "ready" }
  | { t: "samples"; console: ConsoleSample[]; hops: HopSample[] }
  | { t: "counters"; frames: Record<string, number>; hops: number; cpuMs: number }
  | { t: "clock"; id: number; now: number }
  | { t: "error"; message: string };

const send = (e: ObserverEvent) => process.send!(e);
let ws: WebSocket | null = null;
let sink: MqttClient | null = null;
let consoleSamples: ConsoleSample[] = [];
let hops: HopSample[] = [];
let immediate = false;
const frames: Record<string, number> = {};
let hopCount = 0;

function flush(): void {
  if (consoleSamples.length === 0 && hops.length === 0) return;
  send({ t: "samples", console: consoleSamples, hops });
  consoleSamples = [];
  hops = [];
}

function onConsoleFrame(data: WebSocket.RawData): void {
  const at = hrNow();
  const f = JSON.parse(String(data)) as { type: string; alert?: { id: number; deviceId: string } };
  frames[f.type] = (frames[f.type] ?? 0) + 1;
  if ((f.type === "alert.created" || f.type === "alert.pressed" || f.type === "alert.acknowledged") && f.alert) {
    const idx = indexOfDeviceId(f.alert.deviceId);
    if (idx !== null) consoleSamples.push([idx, at, f.type === "alert.created" ? 1 : f.type === "alert.pressed" ? 2 : 3, f.alert.id]);
    if (immediate) flush();
  }
}

async function openConsole(httpUrl: string, token: string): Promise<void> {
  const q = new URLSearchParams({ token });
  const sock = new WebSocket(`${httpUrl.replace(/^http/, "ws")}/api/console?${q}`, { perMessageDeflate: false });
  sock.on("message", onConsoleFrame);
  await new Promise<void>((resolve, reject) => {
    sock.once("open", () => resolve());
    sock.once("error", reject);
    sock.once("unexpected-response", (_req, res) => reject(new Error(`console refused: HTTP ${res.statusCode}`)));
  });
  ws = sock;
}

async function openSink(url: string, echo: boolean): Promise<void> {
  // The same client library and options as the gateway's own link (gateway/src/ingest/mqtt-link.ts).
  const client = await mqtt.connectAsync(url, { clientId: "bench-sink", clean: true, reconnectPeriod: 500, keepalive: 30 });
  // and Nagle off, as the gateway's link does
  (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  client.on("message", (topic, payload) => {
    const at = hrNow();
    const t = parseTopic(topic);
    if (!t || t.kind !== "alarm") return;
    const idx = indexOfDeviceId(t.deviceId);
    let seq = -1;
    try {
      seq = (JSON.parse(payload.toString("utf8")) as { seq: number }).seq;
    } catch {
      return;
    }
    hopCount++;
    if (idx !== null) hops.push([idx, seq, at]);
    if (echo) client.publish(topics.ack(t.deviceId), JSON.stringify({ seq, alertId: 0, state: "received" }), { qos: 1 });
    if (immediate) flush();
  });
  await client.subscribeAsync({ [topics.allAlarms]: { qos: 1 } });
  sink = client;
}

async function closeAll(): Promise<void> {
  flush();
  if (ws) {
    ws.terminate();
    ws = null;
  }
  if (sink) {
    await sink.endAsync(true);
    sink = null;
  }
}

process.on("message", (raw) => {
  const m = raw as ObserverCommand;
  const fail = (err: unknown) => send({ t: "error", message: String((err as Error)?.message ?? err) });
  switch (m.t) {
    case "console":
      openConsole(m.httpUrl, m.token).then(() => send({ t: "ready" }), fail);
      return;
    case "sink":
      openSink(m.url, m.echo).then(() => send({ t: "ready" }), fail);
      return;
    case "close":
      closeAll().then(() => send({ t: "ready" }), fail);
      return;
    case "flush":
      immediate = m.immediate;
      flush();
      return;
    case "clock":
      send({ t: "clock", id: m.id, now: hrNow() });
      return;
    case "exit":
      void closeAll().finally(() => process.exit(0));
      return;
  }
});

const flushTimer = setInterval(flush, 200);
const countTimer = setInterval(() => {
  const cpu = process.cpuUsage();
  send({ t: "counters", frames: { ...frames }, hops: hopCount, cpuMs: (cpu.user + cpu.system) / 1000 });
}, 500);
process.on("disconnect", () => {
  clearInterval(flushTimer);
  clearInterval(countTimer);
  void closeAll().finally(() => process.exit(0));
});
process.on("SIGINT", () => undefined);
