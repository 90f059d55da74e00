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
  // One drain listener and one timer for all pending writes, as aedes' own waitForDrain does: a
  // listener per write made every removal O(writes) on a socket with thousands of writes waiting,
  // and the event loop stalled for 6.6 s in Readable.removeListener (bench profile, storm).
  let pending: DrainCallback[] = [];
  let timer: NodeJS.Timeout | undefined;
  const release = (err: Error | null): void => {
    clearTimeout(timer);
    timer = undefined;
    conn.removeListener("drain", onDrain);
    const callbacks = pending;
    pending = [];
    for (const cb of callbacks) setImmediate(cb, err, client);
  };
  const onDrain = (): void => release(null);
  Object.defineProperty(client, "waitForDrain", {
    configurable: true,
    value: (cb: DrainCallback) => {
      pending.push(cb);
      if (timer) return;
      conn.on("drain", onDrain);
      timer = setTimeout(() => {
        const err = new Error(`service socket full for ${timeoutMs} ms`);
        release(err);
        conn.destroy(err);
      }, timeoutMs);
      timer.unref();
    },
  });
}
