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

/** Why aedes ended a connection with an error (its `clientError` and `connectionError` events). */
export type ConnectionErrorKind = "connect_timeout" | "protocol" | "other";

/** aedes' own errors that are not the client's protocol fault; aedes gives them no code, only these messages. */
const AEDES_OWN_ERRORS = new Set(["keep alive timeout", "drain timeout", "connection closed", "Client queue limit reached"]);
const AEDES_CONNECT_TIMEOUT = "connect did not arrive in time";

/**
 * Sorts the error of a `clientError` / `connectionError`: aedes' CONNECT timer; a protocol violation
 * (bytes mqtt-packet's parser refused, or a packet the handlers refuse: no CONNECT first, a wildcard in
 * a PUBLISH topic); or anything else (a socket's errno, a CONNACK refusal, aedes' own timers). aedes and
 * mqtt-packet give their errors no codes, so what is neither a socket's nor aedes' own is the client's.
 */
export function connectionErrorKind(err: Error): ConnectionErrorKind {
  if (err.message === AEDES_CONNECT_TIMEOUT) return "connect_timeout";
  const e = err as Error & { code?: unknown; errorCode?: unknown };
  // a socket's failure (ECONNRESET, EPIPE, …) carries an errno code; a refused CONNECT its return code
  if (e.code !== undefined || e.errorCode !== undefined) return "other";
  return AEDES_OWN_ERRORS.has(err.message) ? "other" : "protocol";
}
