/**
 * Bounds the per-session message queue of aedes' memory persistence.
 *
 * Why: with clean=false, aedes queues every QoS>0 message for a session's
 * subscriptions, online or not, and the queue has no limit (aedes issue #1087),
 * so a device that stays away while commands pile up, or a gateway that is
 * down during a storm, could grow the broker without bound. Refusing
 * persistent sessions is not an option: devices may connect with clean=false.
 *
 * Choice: at most `limit` queued (or in-flight, un-acknowledged) messages per
 * client id; beyond that new messages for that client are dropped, counted,
 * and logged once per overflow. Dropping the newest is safe here because the
 * protocol does not depend on the broker's queue for durability (DESIGN.md
 * "Device protocol"): a device republishes an alarm until its `ack` arrives,
 * so a dropped alarm for an absent gateway is sent again, and the gateway's
 * `ack`/`cmd` for an absent device are re-sent when the device republishes.
 *
 * aedes-persistence's .d.ts describe its callback layer; aedes 1.2 calls the
 * same methods without a callback and uses the promises they return, so the
 * promise form is what is wrapped.
 */
import memory from "aedes-persistence";

interface QueueMethods {
  outgoingEnqueue(sub: { clientId: string }, packet: unknown): Promise<void>;
  outgoingEnqueueCombi(subs: { clientId: string }[], packet: unknown): Promise<void>;
  outgoingClearMessageId(client: { id: string }, packet: unknown): Promise<unknown>;
}

export interface QueueEvents {
  /** A message for `clientId` was dropped; `first` is true for the first drop since its queue last had room. */
  dropped(clientId: string, first: boolean): void;
}

/** Counts queued messages per client id; pure bookkeeping. */
export class QueueDepths {
  readonly #limit: number;
  readonly #depth = new Map<string, number>();
  readonly #full = new Set<string>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Reserves a place; false (and the client marked full) when there is none. */
  admit(clientId: string): { ok: true } | { ok: false; first: boolean } {
    const depth = this.#depth.get(clientId) ?? 0;
    if (depth >= this.#limit) {
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

/** aedes' memory persistence with at most `limit` queued messages per client id. */
export function boundedMemoryPersistence(limit: number, events: QueueEvents): object {
  const persistence = memory() as unknown as QueueMethods;
  const depths = new QueueDepths(limit);
  const enqueue = persistence.outgoingEnqueueCombi.bind(persistence);
  const clear = persistence.outgoingClearMessageId.bind(persistence);

  const admitted = (subs: { clientId: string }[]): { clientId: string }[] =>
    subs.filter((sub) => {
      const place = depths.admit(sub.clientId);
      if (!place.ok) events.dropped(sub.clientId, place.first);
      return place.ok;
    });

  persistence.outgoingEnqueueCombi = (subs, packet) => enqueue(admitted(subs), packet);
  persistence.outgoingEnqueue = (sub, packet) => enqueue(admitted([sub]), packet);
  persistence.outgoingClearMessageId = async (client, packet) => {
    const removed = await clear(client, packet);
    if (removed) depths.removed(client.id);
    return removed;
  };
  return persistence;
}
