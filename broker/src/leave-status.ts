/**
 * Every device connection ends in an offline status on the device's status topic, so supervision's
 * window always starts: the device's own Last Will when the link dies, else (a clean DISCONNECT,
 * which drops the will [MQTT-3.14.4-3], or a CONNECT that set none) one the broker publishes for it.
 * A device that disconnects to reconnect at once is back online a moment later; one that
 * disconnected and never returns is offline, and a fault one window on.
 */
import type { Client, PublishPacket } from "aedes";
import { topics } from "@helpkey/shared";
import type { Identity } from "./types";

const OFFLINE = Buffer.from(JSON.stringify({ online: false }));

export class LeaveStatus {
  /** Connections whose Last Will the publish policy let through on their own status topic. */
  readonly #willSent = new WeakSet<Client>();

  /** The publish policy let a closed client's will through: when it is a device's on its status topic, no second one is needed. */
  willAccepted(client: Client, identity: Identity | undefined, packet: PublishPacket): void {
    if (identity?.role === "device" && packet.topic === topics.status(identity.deviceId)) this.#willSent.add(client);
  }

  /**
   * The status to publish as the device leaves, or null: its will went already, another connection
   * took its id over (that one's status follows), or it is no device.
   */
  leaving(client: Client, identity: Identity | undefined, stillHolder: boolean): PublishPacket | null {
    if (identity?.role !== "device" || !stillHolder || this.#willSent.has(client)) return null;
    return { cmd: "publish", topic: topics.status(identity.deviceId), payload: OFFLINE, qos: 1, retain: true, dup: false };
  }
}
