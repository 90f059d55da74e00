/**
 * Device messages → durable alerts. The flow:
 * parse → drop invalid (logged, counted) → queue → one durable transaction per event-loop
 * turn for everything that arrived (group commit) → effects (acks, console, outbox).
 * Each message runs in its own savepoint: a bug in one never rolls back the others.
 */
import type { Logger } from "pino";
import { alarmPayloadSchema, deviceEventSchema, parsePayload, parseTopic, statusPayloadSchema, type AlarmPayload, type DeviceEvent, type StatusPayload } from "@helpkey/shared";
import type { AlertContext } from "../alerts/context";
import { emptyEffects, mergeEffects, type Effects } from "../alerts/effects";
import { handleAlarm, handleStatus } from "../alerts/press-flow";
import { handleDeviceEvent } from "../devices/device-events";
import type { Metrics } from "../metrics/metrics";
import { commitEach, type Outcome } from "../store/commit-each";
import type { TurnEnd } from "../store/turn-end";
import type { AfterDurable } from "../store/wal-sync";
import { registerLoopDelay } from "./loop-delay";

type Item =
  | { kind: "alarm"; deviceId: string; payload: AlarmPayload; receivedAt: number; hr: bigint }
  | { kind: "status"; deviceId: string; payload: StatusPayload; receivedAt: number; hr: bigint }
  | { kind: "event"; deviceId: string; payload: DeviceEvent; receivedAt: number; hr: bigint };

export interface IngestDeps {
  ctx: AlertContext;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  dispatch: (fx: Effects) => void;
  /** The system's end-of-turn lanes: the batch commits in the ingest's. */
  turnEnd: TurnEnd;
  /** The system's WAL sync: when each batch is on disk (metrics). */
  afterDurable: AfterDurable;
}

export class Ingest {
  private queue: Item[] = [];
  private scheduled = false;
  constructor(private readonly deps: IngestDeps) {
    registerLoopDelay(deps.metrics.registry);
  }

  /** The MQTT client's message handler. */
  onMessage = (topic: string, payload: Buffer): void => {
    const t = parseTopic(topic);
    if (!t || (t.kind !== "alarm" && t.kind !== "status" && t.kind !== "event")) return this.reject(t?.deviceId, "HK_MQTT_SCHEMA", `unexpected topic ${topic}`);
    const base = { deviceId: t.deviceId, receivedAt: this.deps.now(), hr: process.hrtime.bigint() };
    if (t.kind === "alarm") {
      const r = parsePayload(alarmPayloadSchema, payload);
      if (!r.ok) return this.reject(t.deviceId, r.code, r.message);
      this.queue.push({ kind: "alarm", payload: r.value, ...base });
    } else if (t.kind === "event") {
      const r = parsePayload(deviceEventSchema, payload);
      if (!r.ok) return this.reject(t.deviceId, r.code, r.message);
      this.queue.push({ kind: "event", payload: r.value, ...base });
    } else {
      if (payload.length === 0) return; // a cleared retained status
      const r = parsePayload(statusPayloadSchema, payload);
      if (!r.ok) return this.reject(t.deviceId, r.code, r.message);
      this.queue.push({ kind: "status", payload: r.value, ...base });
    }
    if (!this.scheduled) {
      this.scheduled = true;
      this.deps.turnEnd.at("ingest", this.flush);
    }
  };

  private reject(deviceId: string | undefined, code: string, message: string): void {
    this.deps.metrics.rejected.inc({ code });
    this.deps.logger.warn({ deviceId, code }, `device message rejected: ${message}`);
  }

  /** One transaction for the whole batch: one fsync, however many presses arrived this turn. */
  flush = (): void => {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const { ctx, logger, metrics } = this.deps;
    let results: Outcome<Effects | null>[];
    try {
      results = commitEach(ctx.db, batch, (item) => this.handle(item));
    } catch (err) {
      // The commit itself failed (disk full, I/O): nothing is acked, devices retransmit.
      logger.error({ err, batch: batch.length }, "group commit failed; no acks sent");
      return;
    }
    const fx = emptyEffects();
    results.forEach((r, i) => {
      if (r.ok) {
        if (r.value) mergeEffects(fx, r.value);
        return;
      }
      metrics.rejected.inc({ code: "HK_INTERNAL" });
      logger.error({ err: r.error, deviceId: batch[i]!.deviceId }, "ingest failed for one message; the device will retransmit");
    });
    const end = process.hrtime.bigint();
    metrics.batchSize.observe(batch.length);
    const alarms = batch.filter((item) => item.kind === "alarm");
    for (const item of alarms) metrics.ingestCommit.observe(Number(end - item.hr) / 1e9);
    this.deps.afterDurable(() => {
      const durable = process.hrtime.bigint();
      for (const item of alarms) metrics.ingestDurable.observe(Number(durable - item.hr) / 1e9);
    });
    this.deps.dispatch(fx);
  };

  private handle(item: Item): Effects | null {
    const { ctx, logger, metrics } = this.deps;
    if (item.kind === "status") return handleStatus(ctx, item.deviceId, item.payload, item.receivedAt);
    if (item.kind === "event") {
      const e = handleDeviceEvent(ctx, item.deviceId, item.payload, item.receivedAt);
      if (!e.ok) this.reject(item.deviceId, e.code, "event from an unknown or revoked device");
      return e.ok ? e.effects : null;
    }
    const r = handleAlarm(ctx, item.deviceId, item.payload, item.receivedAt);
    if (!r.ok) {
      this.reject(item.deviceId, r.code, "alarm from an unknown or revoked device");
      return null;
    }
    metrics.presses.inc({ result: r.duplicate ? "duplicate" : r.seqReused ? "seq_reused" : r.created ? "created" : "joined" });
    const ack = r.effects.acks[0]?.ack;
    logger.info({ deviceId: item.deviceId, alertId: ack?.alertId, seq: item.payload.seq, action: item.payload.action, duplicate: r.duplicate }, r.created ? "alert created" : "press stored");
    return r.effects;
  }
}
