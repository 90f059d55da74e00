/**
 * The broker thread (broker-thread.ts): the embedded broker with its own event loop. Credentials
 * are checked by the main thread (the gateway's `authenticate`), log lines and metrics are
 * forwarded to it; nothing else crosses.
 */
import { getHeapStatistics } from "node:v8";
import { parentPort, workerData } from "node:worker_threads";
import { pino } from "pino";
import { Gauge, Registry } from "prom-client";
import { createBroker } from "../create-broker";
import { registerGcPauses } from "../gc-pauses";
import { registerLoopDelay } from "../loop-delay";
import type { HkBroker, Identity } from "../types";
import type { ThreadInit, ToMain, ToThread } from "./messages";

const port = parentPort!;
const init = workerData as ThreadInit;
const send = (m: ToMain) => port.postMessage(m);

// pino writes each line to this stream; the main thread re-logs it through its own logger
const logger = pino({ level: init.logLevel, base: undefined }, { write: (line: string) => send({ t: "log", line }) });
const registry = new Registry();
// the main thread's nodejs_heap_* metrics do not see this thread's heap (most of a device's memory)
new Gauge({
  name: "hk_broker_thread_heap_used_bytes",
  help: "V8 heap in use on the broker thread",
  registers: [registry],
  collect() {
    this.set(getHeapStatistics().used_heap_size);
  },
});
// its stalls hold up every alarm on its way in and every ack on its way out
registerLoopDelay(registry, "hk_broker_event_loop_delay_seconds", "the broker thread");
registerGcPauses(registry, "hk_broker_gc_pause_seconds", "the broker thread");
const authWaiting = new Map<number, (identity: Identity | null) => void>();
let nextAuth = 1;

let broker: HkBroker;
try {
  broker = await createBroker({
    ...init, logger, registry,
    authenticate: ({ clientId, username, password }) =>
      new Promise((resolve) => {
        const id = nextAuth++;
        authWaiting.set(id, resolve);
        send({ t: "auth", id, clientId, ...(username !== undefined ? { username } : {}), ...(password ? { password: new Uint8Array(password) } : {}) });
      }),
  });
} catch (err) {
  send({ t: "failed", message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}

// the main thread's view of the device count, sent only when it changed (at most every 250 ms)
let reported = -1;
const counter = setInterval(() => {
  const count = broker.connectedDevices();
  if (count !== reported) send({ t: "devices", count: (reported = count) });
}, 250);
counter.unref();

port.on("message", (m: ToThread) => {
  switch (m.t) {
    case "authResult":
      authWaiting.get(m.id)?.(m.identity);
      authWaiting.delete(m.id);
      break;
    case "disconnect":
      broker.disconnectDevice(m.deviceId);
      break;
    case "metrics":
      void registry.metrics().then((text) => send({ t: "metrics", id: m.id, text }));
      break;
    case "close":
      clearInterval(counter);
      authWaiting.clear(); // their connections close with the broker: no answer, no refusal logged
      // the thread ends with its broker; the main thread waits for its exit
      void broker.close().finally(() => setImmediate(() => process.exit(0)));
      break;
  }
});
send({ t: "ready", port: broker.port, url: broker.url, serviceUrl: broker.serviceUrl });
