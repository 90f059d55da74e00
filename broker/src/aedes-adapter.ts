/**
 * Every reach into aedes and aedes-persistence beyond their public API, in one place. Each export
 * says why no public way exists; broker/test/aedes-adapter.test.ts fails when the library's
 * behaviour that these rely on changes.
 */
import type { Readable } from "node:stream";
import type { Client } from "aedes";
import memory from "aedes-persistence";

export type DrainCallback = (err?: Error | null, client?: Client) => void;

/** A packet as aedes hands it to its persistence (an aedes-packet). */
export interface QueuedPacket {
  brokerId: string;
  brokerCounter: number;
  messageId?: number | undefined;
  topic: string;
  payload: Buffer | string;
}

/**
 * The persistence methods aedes 1.2 calls on its hot paths. aedes-persistence's .d.ts describe
 * the callback layer, but aedes calls them without a callback and uses the promise (or stream).
 */
export interface PersistenceMethods {
  outgoingEnqueue(sub: { clientId: string }, packet: QueuedPacket): Promise<void>;
  outgoingEnqueueCombi(subs: { clientId: string }[], packet: QueuedPacket): Promise<void>;
  outgoingUpdate(client: { id: string }, packet: QueuedPacket): Promise<void>;
  outgoingClearMessageId(client: { id: string }, packet: { messageId?: number }): Promise<QueuedPacket | undefined>;
  outgoingStream(client: { id: string }): Readable;
  storeRetained(packet: QueuedPacket): Promise<void>;
  createRetainedStream(pattern: string): Readable;
  createRetainedStreamCombi(patterns: string[]): Readable;
}

/** The method names `memoryPersistenceWith` may replace. */
export const PERSISTENCE_METHODS = [
  "outgoingEnqueue",
  "outgoingEnqueueCombi",
  "outgoingUpdate",
  "outgoingClearMessageId",
  "outgoingStream",
  "storeRetained",
  "createRetainedStream",
  "createRetainedStreamCombi",
] as const satisfies readonly (keyof PersistenceMethods)[];

/** aedes-packet's copy constructor: aedes-persistence exports it at run time but types it as a type only. */
export const AedesPacket = (memory as unknown as { Packet: new (original: object) => QueuedPacket }).Packet;

/**
 * aedes-persistence's memory store with some methods replaced: its constructor takes no hooks, and
 * a whole new persistence would have to re-implement subscriptions, wills and incoming packets too.
 */
export function memoryPersistenceWith(replace: PersistenceMethods): object {
  return Object.assign(memory() as unknown as PersistenceMethods, replace);
}

/**
 * Replaces how aedes waits for one client's full socket to drain: aedes has one `drainTimeout` for
 * every client and no per-client option, and it calls `client.waitForDrain(cb)` for each write that
 * found the socket full.
 */
export function replaceWaitForDrain(client: Client, wait: (cb: DrainCallback) => void): void {
  Object.defineProperty(client, "waitForDrain", { configurable: true, value: wait });
}
