/**
 * aedes drops a subscriber whose socket stays full for `drainTimeout`, so a stuck device cannot hold
 * up the publishers behind it. The gateway receives every device's alarm and its socket is full
 * while it commits a storm, exactly when it must stay connected: a service client gets a longer
 * timeout. A gateway that stops reading altogether is still dropped (every publisher to it waits);
 * it reconnects at once and its session's queue is replayed.
 */
import type { Client } from "aedes";
import { replaceWaitForDrain, type DrainCallback } from "./aedes-adapter";

export function waitForDrainWithin(client: Client, timeoutMs: number): void {
  const conn = client.conn;
  // One drain listener and one timer for all pending writes, as aedes' own waitForDrain does: a
  // listener per write makes every removal O(writes) on a socket with thousands of writes waiting.
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
  replaceWaitForDrain(client, (cb) => {
    pending.push(cb);
    if (timer) return;
    conn.on("drain", onDrain);
    timer = setTimeout(() => {
      const err = new Error(`service socket full for ${timeoutMs} ms`);
      release(err);
      conn.destroy(err);
    }, timeoutMs);
    timer.unref();
  });
}
