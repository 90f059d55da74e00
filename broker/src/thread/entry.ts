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
import type { AuthDecision, HkBroker } from "../types";
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
/** CONNECTs whose check the main thread has not answered; one per socket, dropped past its deadline. */
const authWaiting = new Map<number, { resolve: (d: AuthDecision) => void; reject: (err: Error) => void; deadline: number | undefined }>();
let nextAuth = 1;
new Gauge({
  name: "hk_broker_auth_waiting",
  help: "CONNECTs on the broker thread waiting for the main thread's credential check",
  registers: [registry],
  collect() {
    this.set(authWaiting.size);
  },
});
// the main thread answers every check, but one it never answers must not stay here for ever
const AUTH_SWEEP_MS = 5_000;
const authSweep = setInterval(() => {
  const now = Date.now();
  for (const [id, w] of authWaiting) {
    if (w.deadline !== undefined && now > w.deadline + AUTH_SWEEP_MS) {
      authWaiting.delete(id);
      w.resolve(null); // the broker stopped waiting at the deadline: nobody reads this
    }
  }
}, AUTH_SWEEP_MS);
authSweep.unref();

let broker: HkBroker;
try {
  broker = await createBroker({
    ...init, logger, registry,
    authenticate: ({ clientId, username, password, remoteAddress, deadline }) =>
      new Promise((resolve, reject) => {
        const id = nextAuth++;
        authWaiting.set(id, { resolve, reject, deadline });
        send({
          t: "auth", id, clientId, ...(username !== undefined ? { username } : {}), ...(password ? { password: new Uint8Array(password) } : {}),
          ...(remoteAddress !== undefined ? { remoteAddress } : {}), ...(deadline !== undefined ? { deadline } : {}),
        });
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
    case "authResult": {
      const w = authWaiting.get(m.id);
      authWaiting.delete(m.id);
      if (m.failed !== undefined) w?.reject(new Error(m.failed));
      else w?.resolve(m.decision);
      break;
    }
    case "disconnect":
      broker.disconnectDevice(m.deviceId);
      break;
    case "metrics":
      void registry.metrics().then((text) => send({ t: "metrics", id: m.id, text }));
      break;
    case "close":
      clearInterval(counter);
      clearInterval(authSweep);
      authWaiting.clear(); // their connections close with the broker: no answer, no refusal logged
      // the thread ends with its broker; the main thread waits for its exit
      void broker.close().finally(() => setImmediate(() => process.exit(0)));
      break;
  }
});
send({ t: "ready", port: broker.port, url: broker.url, serviceUrl: broker.serviceUrl, tlsUrl: broker.tlsUrl, wsUrl: broker.wsUrl, wssUrl: broker.wssUrl });
