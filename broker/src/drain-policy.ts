/**
 * aedes drops a subscriber whose socket stays full for `drainTimeout` (a stuck device must not hold
 * up the publishers behind it). The gateway is not such a subscriber: it receives every device's
 * alarm, and in a storm its socket is full for as long as it is busy committing, which is exactly
 * when it must not be cut off (bench, issue 4: the gateway was dropped 5 s into a storm). So a
 * service client gets a much longer timeout. It still has one: while the gateway's socket is full,
 * every device publishing to it waits, and so do their keepalives and takeovers, so a gateway that
 * stops reading altogether is dropped; it reconnects at once and its session's queue is replayed.
 */
import type { Client } from "aedes";

type DrainCallback = (err?: Error | null, client?: Client) => void;

export function waitForDrainWithin(client: Client, timeoutMs: number): void {
  const conn = (client as unknown as { conn: NodeJS.WritableStream & { destroy(err?: Error): void } }).conn;
  Object.defineProperty(client, "waitForDrain", {
    configurable: true,
    value: (cb: DrainCallback) => {
      const timer = setTimeout(() => {
        conn.removeListener("drain", onDrain);
        const err = new Error(`service socket full for ${timeoutMs} ms`);
        cb(err, client);
        conn.destroy(err);
      }, timeoutMs);
      timer.unref();
      const onDrain = () => {
        clearTimeout(timer);
        cb(null, client);
      };
      conn.once("drain", onDrain);
    },
  });
}
