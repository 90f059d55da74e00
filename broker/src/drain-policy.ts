/**
 * aedes drops a subscriber whose socket stays full for `drainTimeout` (a stuck device must not hold
 * up the publishers behind it). The gateway is not such a subscriber: it receives every device's
 * alarm, and in a storm its socket is full for as long as it is busy committing, which is exactly
 * when it must not be cut off (bench, issue 4: the gateway was dropped 5 s into a storm, and while
 * its link came back, no ack left for minutes). So a service client waits for its drain however
 * long it takes; back-pressure then slows the devices' publishes, which they retransmit anyway.
 */
import type { Client } from "aedes";

type DrainCallback = (err?: Error | null, client?: Client) => void;

export function waitForDrainWithoutTimeout(client: Client): void {
  const conn = (client as unknown as { conn: NodeJS.WritableStream }).conn;
  Object.defineProperty(client, "waitForDrain", {
    configurable: true,
    value: (cb: DrainCallback) => conn.once("drain", () => cb(null, client)),
  });
}
