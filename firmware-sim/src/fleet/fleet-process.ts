/**
 * One fleet process: N light devices (light-device.ts) on one source address, driven over IPC
 * (protocol.ts). A process holds at most 20,000 open files on the bench machines and one source
 * address about 28k connections, so big fleets are several of these. Started with `fork()`.
 */
import { fleetDeviceId, fleetSecret } from "./credentials";
import { hrNow, LightDevice, type LightDeviceHooks } from "./light-device";
import type { AckSample, FleetCommand, FleetCounters, FleetEvent, PressSample, ReadySample } from "./protocol";

if (!process.send) throw new Error("fleet-process runs as a forked child (it talks over IPC)");
const send = (e: FleetEvent) => process.send!(e);

let devices: LightDevice[] = [];
let localAddress = "127.0.0.1";
const counters: FleetCounters = { devices: 0, ready: 0, pressed: 0, acked: 0, pending: 0, retransmits: 0, refused: 0, disconnects: 0, pingTimeouts: 0, repeatAcks: 0, cpuMs: 0, rssBytes: 0 };
let immediate = false;
let presses: PressSample[] = [];
let acks: AckSample[] = [];
let ready: ReadySample[] = [];
const pressedAt = new Map<string, number>(); // `${index}:${seq}` → first publish time
const withPending = new Set<LightDevice>();
const timers = new Set<NodeJS.Timeout>();
let waitingDisconnect = false;

function flush(): void {
  if (presses.length === 0 && acks.length === 0 && ready.length === 0) return;
  send({ t: "samples", presses, acks, ready });
  presses = [];
  acks = [];
  ready = [];
}

const hooks: LightDeviceHooks = {
  ready(d, at) {
    counters.ready++;
    ready.push([d.index, at]);
    if (d.pending.size) withPending.add(d);
    if (immediate) flush();
  },
  acked(d, seq, ack, at) {
    counters.acked++;
    const key = `${d.index}:${seq}`;
    const t0 = pressedAt.get(key) ?? at;
    pressedAt.delete(key);
    acks.push([d.index, seq, t0, at, ack.alertId, 0]);
    if (d.pending.size === 0) withPending.delete(d);
    if (immediate) flush();
  },
  sent(d, seq, attempt, at) {
    if (attempt === 1) {
      pressedAt.set(`${d.index}:${seq}`, at);
      presses.push([d.index, seq, at]);
      if (immediate) flush();
    } else {
      counters.retransmits++;
    }
  },
  closed(_d, wasReady) {
    if (wasReady) {
      counters.ready--;
      counters.disconnects++;
    }
    if (waitingDisconnect && devices.every((x) => x.socket === null)) {
      waitingDisconnect = false;
      send({ t: "disconnected" });
    }
  },
  refused() {
    counters.refused++;
  },
};

function press(d: LightDevice): void {
  counters.pressed++;
  d.press();
  withPending.add(d);
}

function later(ms: number, fn: () => void): void {
  const t = setTimeout(() => {
    timers.delete(t);
    fn();
  }, ms);
  timers.add(t);
}

function handle(cmd: FleetCommand): void {
  switch (cmd.t) {
    case "init": {
      localAddress = cmd.localAddress;
      devices = [];
      for (let i = cmd.from; i < cmd.to; i++) devices.push(new LightDevice(i, fleetDeviceId(i), fleetSecret(i), hooks, cmd.keepaliveS ?? 60));
      counters.devices = devices.length;
      send({ t: "done", what: "init" });
      return;
    }
    case "connect": {
      const ep = { ...cmd.endpoint, localAddress };
      if (cmd.spreadMs <= 0) {
        for (const d of devices) d.start(ep);
        return;
      }
      // Uniform over the spread, started in 5 ms slices so the loop stays responsive.
      const slices = Math.max(1, Math.floor(cmd.spreadMs / 5));
      const per = Math.ceil(devices.length / slices);
      for (let s = 0; s < slices; s++) {
        const part = devices.slice(s * per, (s + 1) * per);
        if (part.length) later(s * 5, () => part.forEach((d) => d.start(ep)));
      }
      return;
    }
    case "disconnect": {
      waitingDisconnect = true;
      for (const d of devices) d.stop();
      if (devices.every((x) => x.socket === null)) {
        waitingDisconnect = false;
        send({ t: "disconnected" });
      }
      return;
    }
    case "press": {
      for (const i of cmd.indexes) {
        const d = devices[i];
        if (d) press(d);
      }
      send({ t: "done", what: "press" });
      return;
    }
    case "rate": {
      // Paced by elapsed time, not by timer counts: a late tick presses what it owes.
      const start = hrNow();
      let done = 0;
      let next = 0;
      const total = Math.round((cmd.perSecond * cmd.durationMs) / 1000);
      const tick = () => {
        const owed = Math.min(total, Math.floor(((hrNow() - start) / 1000) * cmd.perSecond));
        while (done < owed) {
          press(devices[next]!);
          next = (next + 1) % devices.length;
          done++;
        }
        if (done < total) later(2, tick);
        else send({ t: "done", what: "rate" });
      };
      tick();
      return;
    }
    case "storm": {
      const start = hrNow();
      const order = devices.map((d) => ({ d, at: Math.random() * cmd.windowMs })).sort((a, b) => a.at - b.at);
      let i = 0;
      const tick = () => {
        const el = hrNow() - start;
        while (i < order.length && order[i]!.at <= el) press(order[i++]!.d);
        if (i < order.length) later(2, tick);
        else send({ t: "done", what: "storm" });
      };
      tick();
      return;
    }
    case "flush":
      immediate = cmd.immediate;
      flush();
      return;
    case "clock":
      send({ t: "clock", id: cmd.id, now: hrNow() });
      return;
    case "exit":
      shutdown();
      return;
  }
}

// Retransmissions and keepalive, for all devices from two timers instead of one per device.
const retransmitTimer = setInterval(() => {
  const now = hrNow();
  for (const d of withPending) {
    if (d.pending.size === 0) withPending.delete(d);
    else d.retransmitDue(now);
  }
}, 100);
let kaCursor = 0;
const keepaliveTimer = setInterval(() => {
  // a tenth of the fleet per 100 ms: every device is looked at each second
  const now = hrNow();
  const n = Math.ceil(devices.length / 10);
  for (let k = 0; k < n && devices.length; k++) {
    devices[kaCursor % devices.length]!.keepalive(now);
    kaCursor++;
  }
}, 100);
const reportTimer = setInterval(() => {
  const cpu = process.cpuUsage();
  counters.cpuMs = (cpu.user + cpu.system) / 1000;
  counters.rssBytes = process.memoryUsage.rss();
  counters.pending = 0;
  counters.repeatAcks = 0;
  counters.pingTimeouts = 0;
  for (const d of devices) {
    counters.pending += d.pending.size;
    counters.repeatAcks += d.repeatAcks;
    counters.pingTimeouts += d.pingTimeouts;
  }
  send({ t: "counters", c: { ...counters } });
}, 500);
const flushTimer = setInterval(flush, 200);

function shutdown(): void {
  for (const t of [retransmitTimer, keepaliveTimer, reportTimer, flushTimer]) clearInterval(t);
  for (const t of timers) clearTimeout(t);
  for (const d of devices) d.stop();
  flush();
  // Let the DISCONNECTs go out, then leave whatever is left.
  setTimeout(() => process.exit(0), 300).unref();
  process.disconnect?.();
}

process.on("message", (m) => handle(m as FleetCommand));
// The coordinator died or closed the channel: never linger as an orphan holding thousands of sockets.
process.on("disconnect", () => {
  for (const d of devices) d.stop();
  setTimeout(() => process.exit(0), 300).unref();
});
process.on("SIGINT", () => undefined); // Ctrl-C reaches the whole group; the coordinator decides
