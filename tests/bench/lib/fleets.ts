/**
 * The load generators: `processes` fleet processes (firmware-sim/src/fleet), each with a slice of
 * the devices on its own 127.0.0.x source address. Collects their samples on the coordinator's clock.
 */
import path from "node:path";
import type { AckSample, FleetCommand, FleetCounters, FleetEndpoint, FleetEvent } from "@helpkey/firmware-sim/fleet/protocol";
import { Child } from "./ipc";
import { forkTs } from "./procs";

export interface Press {
  index: number;
  seq: number;
  at: number;
  ackAt?: number;
  alertId?: number;
}

export class FleetPool {
  readonly fleets: Child<FleetCommand, FleetEvent>[] = [];
  readonly ranges: { from: number; to: number }[] = [];
  readonly counters: FleetCounters[] = [];
  /** Every press, by `${index}:${seq}`. */
  readonly presses = new Map<string, Press>();
  /** Ready (connected + subscribed) times, latest per device. */
  readonly readyAt = new Map<number, number>();
  readyEvents = 0;

  constructor(readonly total: number, readonly processes: number) {}

  async start(root: string): Promise<void> {
    const per = Math.ceil(this.total / this.processes);
    for (let k = 0; k < this.processes; k++) {
      const from = k * per;
      const to = Math.min(this.total, from + per);
      if (from >= to) break;
      const cp = forkTs(path.join(root, "firmware-sim/src/fleet/fleet-process.ts"));
      const child = new Child<FleetCommand, FleetEvent>(`fleet ${k}`, cp);
      this.fleets.push(child);
      this.ranges.push({ from, to });
      this.counters.push({ devices: 0, ready: 0, pressed: 0, acked: 0, pending: 0, retransmits: 0, refused: 0, disconnects: 0, pingTimeouts: 0, repeatAcks: 0, cpuMs: 0, rssBytes: 0 });
      child.on((e) => this.onEvent(k, child, e));
      // 127.0.0.2, .3, …: about 28k connections fit per source address (the ephemeral port range)
      child.send({ t: "init", from, to, localAddress: `127.0.0.${2 + k}` });
    }
    await Promise.all(this.fleets.map((f) => f.next("done", 60_000, (e) => e.what === "init")));
    await Promise.all(this.fleets.map((f) => f.calibrate()));
  }

  private onEvent(k: number, child: Child<FleetCommand, FleetEvent>, e: FleetEvent): void {
    if (e.t === "counters") this.counters[k] = e.c;
    else if (e.t === "samples") {
      for (const [index, seq, at] of e.presses) this.presses.set(`${index}:${seq}`, { index, seq, at: child.local(at) });
      for (const a of e.acks) this.recordAck(child, a);
      for (const [index, at] of e.ready) {
        this.readyAt.set(index, child.local(at));
        this.readyEvents++;
      }
    }
  }

  private recordAck(child: Child<FleetCommand, FleetEvent>, [index, seq, pressedAt, ackAt, alertId]: AckSample): void {
    const key = `${index}:${seq}`;
    let p = this.presses.get(key);
    if (!p) {
      p = { index, seq, at: child.local(pressedAt) };
      this.presses.set(key, p);
    }
    p.ackAt = child.local(ackAt);
    p.alertId = alertId;
  }

  /** Which fleet holds device `index`, and its index inside that fleet. */
  locate(index: number): { k: number; local: number } {
    const k = this.ranges.findIndex((r) => index >= r.from && index < r.to);
    return { k, local: index - this.ranges[k]!.from };
  }

  broadcast(cmd: FleetCommand): void {
    for (const f of this.fleets) f.send(cmd);
  }

  connect(endpoint: FleetEndpoint, spreadMs: number): void {
    this.broadcast({ t: "connect", endpoint, spreadMs });
  }

  async disconnect(): Promise<void> {
    const waits = this.fleets.map((f) => f.next("disconnected", 30_000));
    this.broadcast({ t: "disconnect" });
    await Promise.all(waits);
  }

  press(index: number): void {
    const { k, local } = this.locate(index);
    this.fleets[k]!.send({ t: "press", indexes: [local] });
  }

  /** Splits a total rate over the fleets by their size. */
  async rate(perSecond: number, durationMs: number): Promise<void> {
    const waits = this.fleets.map((f) => f.next("done", durationMs + 60_000, (e) => e.what === "rate"));
    this.fleets.forEach((f, k) => {
      const share = (this.ranges[k]!.to - this.ranges[k]!.from) / this.total;
      f.send({ t: "rate", perSecond: perSecond * share, durationMs });
    });
    await Promise.all(waits);
  }

  async storm(windowMs: number): Promise<void> {
    const waits = this.fleets.map((f) => f.next("done", windowMs + 60_000, (e) => e.what === "storm"));
    this.broadcast({ t: "storm", windowMs });
    await Promise.all(waits);
  }

  flushMode(immediate: boolean): void {
    this.broadcast({ t: "flush", immediate });
  }

  sum(): FleetCounters {
    const s: FleetCounters = { devices: 0, ready: 0, pressed: 0, acked: 0, pending: 0, retransmits: 0, refused: 0, disconnects: 0, pingTimeouts: 0, repeatAcks: 0, cpuMs: 0, rssBytes: 0 };
    for (const c of this.counters) for (const key of Object.keys(s) as (keyof FleetCounters)[]) s[key] += c[key];
    return s;
  }

  /** Presses made in [from, to] (coordinator clock). */
  pressesBetween(from: number, to: number): Press[] {
    return [...this.presses.values()].filter((p) => p.at >= from && p.at <= to);
  }

  exit(): void {
    this.broadcast({ t: "exit" });
  }
}
