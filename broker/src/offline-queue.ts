/**
 * aedes' memory persistence with the parts that do not scale replaced, and each session's queue
 * bounded.
 *
 * 1. Bounded queue. With clean=false aedes queues every QoS>0 message for a session, online or
 *    not, without limit, so an absent device or gateway could grow the broker without bound. At
 *    most `limit(clientId)` messages are queued or in flight per client id; newer ones are dropped,
 *    counted and logged once per overflow. Dropping is safe because durability does not rest on the
 *    broker's queue (docs/device-protocol.md): a device republishes an alarm until its `ack`
 *    arrives, and the gateway answers every republish again.
 * 2. O(1) queues. aedes-persistence keeps a queue as an array and scans it on every delivery and
 *    every PUBACK; the gateway's session holds thousands in a storm. Here a queue is two Maps, in
 *    insertion order for replay.
 * 3. Indexed retained messages. Every device retains its status, and aedes-persistence tests each
 *    SUBSCRIBE's pattern against all of them (O(n²) over a fleet connecting); a pattern without
 *    wildcards is one Map lookup here.
 */
import { Readable } from "node:stream";
import { AedesPacket, memoryPersistenceWith, type QueuedPacket } from "./aedes-adapter";
import { ownBytes } from "./own-bytes";

export interface QueueEvents {
  /** A message for `clientId` was dropped; `first` is true for the first drop since its queue last had room. */
  dropped(clientId: string, first: boolean): void;
}

/** The limit for a client id (a number for all, or per client: devices and services differ). */
export type QueueLimit = number | ((clientId: string) => number);

/** Counts queued messages per client id; pure bookkeeping. */
export class QueueDepths {
  readonly #limit: (clientId: string) => number;
  readonly #depth = new Map<string, number>();
  readonly #full = new Set<string>();

  constructor(limit: QueueLimit) {
    this.#limit = typeof limit === "number" ? () => limit : limit;
  }

  /** Reserves a place; false (and the client marked full) when there is none. */
  admit(clientId: string): { ok: true } | { ok: false; first: boolean } {
    const depth = this.#depth.get(clientId) ?? 0;
    if (depth >= this.#limit(clientId)) {
      const first = !this.#full.has(clientId);
      this.#full.add(clientId);
      return { ok: false, first };
    }
    this.#depth.set(clientId, depth + 1);
    return { ok: true };
  }

  removed(clientId: string): void {
    const depth = (this.#depth.get(clientId) ?? 0) - 1;
    if (depth > 0) this.#depth.set(clientId, depth);
    else this.#depth.delete(clientId);
    this.#full.delete(clientId);
  }
}

/** One session's queue: by (broker id, broker counter) in arrival order, and by packet id once sent. */
export class SessionQueue {
  readonly #byKey = new Map<string, QueuedPacket>();
  readonly #keyById = new Map<number, string>();

  static key(p: QueuedPacket): string {
    return `${p.brokerId}\u0000${p.brokerCounter}`;
  }

  get size(): number {
    return this.#byKey.size;
  }

  add(p: QueuedPacket): void {
    this.#byKey.set(SessionQueue.key(p), p);
  }

  /** The packet id aedes chose for a queued packet; false when the packet is not queued. */
  assign(p: QueuedPacket): boolean {
    const key = SessionQueue.key(p);
    const queued = this.#byKey.get(key);
    if (queued) {
      if (queued.messageId !== undefined && this.#keyById.get(queued.messageId) === key) this.#keyById.delete(queued.messageId);
      queued.messageId = p.messageId;
      if (p.messageId !== undefined) this.#keyById.set(p.messageId, key);
      return true;
    }
    // aedes-persistence: a packet of another broker with the same packet id takes that one's place
    const other = p.messageId === undefined ? undefined : this.#keyById.get(p.messageId);
    if (other === undefined) return false;
    this.#byKey.delete(other);
    this.#byKey.set(key, p);
    this.#keyById.set(p.messageId!, key);
    return true;
  }

  /** Removes the packet sent with this packet id (its PUBACK arrived). */
  clear(messageId: number | undefined): QueuedPacket | undefined {
    if (messageId === undefined) return undefined;
    const key = this.#keyById.get(messageId);
    if (key === undefined) return undefined;
    this.#keyById.delete(messageId);
    const p = this.#byKey.get(key);
    this.#byKey.delete(key);
    return p;
  }

  snapshot(): QueuedPacket[] {
    return [...this.#byKey.values()];
  }
}

const WILDCARDS = /[+#]/;

/** Topic filter matching [MQTT-4.7]: `+` one level, `#` the rest; `$` topics only for filters that start with `$` [MQTT-4.7.2-1]. */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith("$") && !filter.startsWith("$")) return false;
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true; // also matches the parent level [MQTT-4.7.1-2]
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

function* retainedMatching(retained: Map<string, QueuedPacket>, patterns: string[]): Generator<QueuedPacket> {
  for (const pattern of patterns) {
    if (!WILDCARDS.test(pattern)) {
      const p = retained.get(pattern);
      if (p) yield p;
      continue;
    }
    for (const [topic, p] of retained) if (topicMatches(pattern, topic)) yield p;
  }
}

/** aedes' memory persistence with O(1) session queues, indexed retained messages, and at most `limit` queued messages per client id. */
export function boundedMemoryPersistence(limit: QueueLimit, events: QueueEvents): object {
  const depths = new QueueDepths(limit);
  const queues = new Map<string, SessionQueue>();
  const retained = new Map<string, QueuedPacket>();
  const queueOf = (clientId: string) => {
    let q = queues.get(clientId);
    if (!q) queues.set(clientId, (q = new SessionQueue()));
    return q;
  };

  const enqueue = (sub: { clientId: string }, packet: QueuedPacket) => {
    const place = depths.admit(sub.clientId);
    if (!place.ok) return events.dropped(sub.clientId, place.first);
    queueOf(sub.clientId).add(new AedesPacket(packet));
  };

  return memoryPersistenceWith({
    outgoingEnqueue: async (sub, packet) => enqueue(sub, packet),
    outgoingEnqueueCombi: async (subs, packet) => {
      for (const sub of subs) enqueue(sub, packet);
    },
    outgoingUpdate: async (client, packet) => {
      if (!queues.get(client.id)?.assign(packet)) throw new Error("no such packet");
    },
    outgoingClearMessageId: async (client, packet) => {
      const q = queues.get(client.id);
      const removed = q?.clear(packet.messageId);
      if (removed) {
        depths.removed(client.id);
        if (q!.size === 0) queues.delete(client.id);
      }
      return removed;
    },
    outgoingStream: (client) => Readable.from(queues.get(client.id)?.snapshot() ?? []),
    storeRetained: async (pkt) => {
      // its own bytes: kept as long as it stays retained (own-bytes.ts)
      const packet = { ...pkt, payload: Buffer.isBuffer(pkt.payload) ? ownBytes(pkt.payload) : pkt.payload };
      // [MQTT-3.3.1-10]: a retained message with an empty payload removes the retained message
      if (packet.payload.length === 0) retained.delete(packet.topic);
      else retained.set(packet.topic, packet);
    },
    createRetainedStream: (pattern) => Readable.from(retainedMatching(retained, [pattern])),
    createRetainedStreamCombi: (patterns) => Readable.from(retainedMatching(retained, patterns)),
  });
}
