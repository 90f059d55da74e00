/** What the fleet's light device (scenario-device.ts) records and reports: its presses, the hooks a fleet worker gives it, where it connects. */
import type { AckPayload } from "@helpkey/shared";
import type { ScenarioDevice } from "./scenario-device";

export { hrNow, type Endpoint } from "./light-link";

export interface DeviceCredentials {
  id: string;
  secret: string;
}

/** One press as the device saw it. */
export interface PressRecord {
  seq: number;
  /** The payload's `ts`: the device's clock, skew included. */
  ts: number;
  /** First publish (hrNow); null while it never left the device. */
  sentAt: number | null;
  ackAt: number | null;
  alertId: number | null;
  publishes: number;
}

export interface ScenarioDeviceHooks {
  /** Connected, status published, subscribed: alarms flow from here on. */
  ready(d: ScenarioDevice, at: number): void;
  /** The first ack of a queued seq. */
  acked(d: ScenarioDevice, press: PressRecord, ack: AckPayload, at: number): void;
  /** Every PUBLISH of an alarm (attempt 1 is the press itself). */
  sent(d: ScenarioDevice, seq: number, attempt: number): void;
  /** The connection closed; `remote`: the broker or the network closed it, not the device. */
  closed(d: ScenarioDevice, wasReady: boolean, remote: boolean): void;
  /** CONNACK with a non-zero return code [MQTT-3.2.2.3]. */
  refused(d: ScenarioDevice, returnCode: number): void;
}
