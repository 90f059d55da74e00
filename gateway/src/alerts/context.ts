/** What the alert flows need: the database and the in-memory directories over it. */
import type { AckState, AlertState } from "@helpkey/shared";
import type { Db } from "../db/open";
import type { DeviceRegistry } from "../devices/device-registry";
import type { HouseholdDirectory } from "../store/household-info";
import type { WriteBatch } from "../store/write-batch";

export interface AlertContext {
  db: Db;
  dir: HouseholdDirectory;
  devices: DeviceRegistry;
  /** The group commit of the webhooks and the outbox (store/write-batch.ts). */
  writes: WriteBatch;
}

/** The device's view of an alert state (`ack.state`, docs/device-protocol.md). */
export function ackStateOf(state: AlertState): AckState {
  return state === "open" ? "received" : state;
}
