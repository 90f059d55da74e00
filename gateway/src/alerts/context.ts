/** What the alert flows need: the database and the in-memory directories over it. */
import type { AckState, AlertState } from "@helpkey/shared";
import type { Db } from "../db/open";
import type { DeviceRegistry } from "../devices/device-registry";
import type { HouseholdDirectory } from "../store/household-info";

export interface AlertContext {
  db: Db;
  dir: HouseholdDirectory;
  devices: DeviceRegistry;
}

/** The device's view of an alert state (DESIGN.md: `ack.state`). */
export function ackStateOf(state: AlertState): AckState {
  return state === "open" ? "received" : state;
}
