/**
 * Messages between `pnpm sim fleet`'s coordinator and its workers (in the same process, or forked
 * children over IPC when the fleet is large). Times are hrNow() milliseconds: one clock for every
 * process on the machine.
 */
import type { DeviceCredentials } from "./scenario-device";
import type { DeviceReport, ScenarioName, ScenarioOptions } from "./scenarios/scenario";

export interface WorkerEndpoint {
  host: string;
  port: number;
  /** The source address this worker's devices connect from (127.0.0.x spreads a big fleet over several). */
  localAddress?: string | undefined;
}

export type ToWorker =
  /** The worker's devices; `firstIndex` is the first one's index in the whole fleet. */
  | { t: "init"; devices: DeviceCredentials[]; firstIndex: number; endpoint: WorkerEndpoint; keepaliveS: number; seqFrom: number }
  /** Connects every device, `perSecond` new connections a second. */
  | { t: "connect"; perSecond: number }
  /** Runs the scenario on the first `acting` devices, then waits up to `settleMs` for their acks. */
  | { t: "run"; scenario: ScenarioName; acting: number; options: ScenarioOptions; settleMs: number }
  /** Ctrl-C: stop acting and report now. */
  | { t: "abort" }
  /** Clean DISCONNECT of every device, then exit. */
  | { t: "stop" };

export interface WorkerCounters {
  devices: number;
  /** Connected and subscribed now. */
  connected: number;
  /** Devices that were connected at least once. */
  everReady: number;
  refused: number;
  pressed: number;
  acked: number;
  retransmits: number;
  /** Connections that closed other than by the device's clean DISCONNECT. */
  drops: number;
  silent: number;
}

export type FromWorker =
  | { t: "initialized" }
  /** Every 500 ms: the counters, and the press → ack times (ms) measured since the last one. */
  | { t: "counters"; c: WorkerCounters; ackMs: number[] }
  /** A device the broker refused (its id and CONNACK code); sent for the first few only. */
  | { t: "refused"; id: string; code: number }
  /** The acting devices' reports, in chunks; `last` closes the run. */
  | { t: "reports"; reports: DeviceReport[]; last: boolean }
  | { t: "stopped" };

export const emptyCounters = (): WorkerCounters => ({ devices: 0, connected: 0, everReady: 0, refused: 0, pressed: 0, acked: 0, retransmits: 0, drops: 0, silent: 0 });
