/**
 * The messages between a benchmark (or drill) coordinator and its fleet processes, over the
 * child-process IPC channel. Times are hrNow() milliseconds (light-device.ts), comparable across
 * processes on one machine; the coordinator checks the offset with `clock` anyway.
 */

export interface FleetEndpoint {
  host: string;
  port: number;
}

export type FleetCommand =
  /** Creates the devices [from, to) of the fleet's id space (credentials.ts); nothing connects yet. */
  | { t: "init"; from: number; to: number; localAddress: string; keepaliveS?: number }
  /** Connects every device, the starts spread uniformly over `spreadMs` (0: all at once). */
  | { t: "connect"; endpoint: FleetEndpoint; spreadMs: number }
  /** Clean DISCONNECT of every device; answered with `disconnected` once every socket is closed. */
  | { t: "disconnect" }
  /** These devices (indexes within the fleet) press once now. */
  | { t: "press"; indexes: number[] }
  /** Presses round-robin over the fleet's devices at `perSecond` for `durationMs`. */
  | { t: "rate"; perSecond: number; durationMs: number }
  /** Every device presses once, at a uniformly random moment within `windowMs`. */
  | { t: "storm"; windowMs: number }
  /** Samples are sent at once (quiet scenario) or batched every 200 ms. */
  | { t: "flush"; immediate: boolean }
  | { t: "clock"; id: number }
  | { t: "exit" };

export interface FleetCounters {
  devices: number;
  ready: number;
  pressed: number;
  acked: number;
  pending: number;
  retransmits: number;
  refused: number;
  disconnects: number;
  /** Connections the devices closed themselves: no PINGRESP within half a keepalive. */
  pingTimeouts: number;
  repeatAcks: number;
  /** CPU time of the fleet process, ms (user + system). */
  cpuMs: number;
  rssBytes: number;
}

/** [device index, seq, pressed at] */
export type PressSample = [number, number, number];
/** [device index, seq, pressed at, first ack at, alertId, publishes before the ack] */
export type AckSample = [number, number, number, number, number, number];
/** [device index, ready at] */
export type ReadySample = [number, number];

export type FleetEvent =
  | { t: "counters"; c: FleetCounters }
  | { t: "samples"; presses: PressSample[]; acks: AckSample[]; ready: ReadySample[] }
  | { t: "done"; what: "init" | "rate" | "storm" | "press" }
  | { t: "disconnected" }
  | { t: "clock"; id: number; now: number };
