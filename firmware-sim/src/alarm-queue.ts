/**
 * The device's alarm queue (docs/device-protocol.md, "Rules a device follows"): every alarm gets the
 * next `seq`, is persisted before it is published, and is published again with the same `seq` on a
 * backoff schedule and after every reconnect until an `ack` with that `seq` arrives.
 */
import type { AlarmPayload } from "@helpkey/shared";
import { backoffMs, type BackoffPolicy } from "@helpkey/shared/backoff";
import type { DeviceState, DeviceStateStore } from "./device-state";

type Send = (alarm: AlarmPayload, attempt: number) => void;

interface InFlight {
  publishes: number;
  timer: NodeJS.Timeout | undefined;
}

export class AlarmQueue {
  readonly #store: DeviceStateStore;
  readonly #policy: Readonly<BackoffPolicy>;
  readonly #send: Send;
  readonly #inFlight = new Map<number, InFlight>();
  #state: DeviceState;
  #online = false;

  constructor(store: DeviceStateStore, policy: Readonly<BackoffPolicy>, send: Send) {
    this.#store = store;
    this.#policy = policy;
    this.#send = send;
    // A state file with pending alarms resumes them: they go out at the first connect.
    this.#state = store.load();
  }

  get lastSeq(): number {
    return this.#state.seq;
  }

  get pending(): readonly AlarmPayload[] {
    return this.#state.pending;
  }

  /** Assigns the next seq and persists before anything leaves the device, so a crash never reuses a seq. */
  add(alarm: Omit<AlarmPayload, "seq">): AlarmPayload {
    const payload: AlarmPayload = { seq: this.#state.seq + 1, ...alarm };
    this.#save({ seq: payload.seq, pending: [...this.#state.pending, payload] });
    if (this.#online) this.#publish(payload);
    return payload;
  }

  /** An ack of any state ends the retransmission of its seq. Returns false for unknown or already acked seqs. */
  ack(seq: number): boolean {
    if (!this.#state.pending.some((a) => a.seq === seq)) return false;
    clearTimeout(this.#inFlight.get(seq)?.timer);
    this.#inFlight.delete(seq);
    this.#save({ seq: this.#state.seq, pending: this.#state.pending.filter((a) => a.seq !== seq) });
    return true;
  }

  /** Connected and subscribed: publish everything pending now ("also after reconnecting"). */
  online(): void {
    this.#online = true;
    for (const alarm of this.#state.pending) this.#publish(alarm);
  }

  /** Timers only run while connected; the next `online()` publishes at once anyway. */
  offline(): void {
    this.#online = false;
    for (const f of this.#inFlight.values()) {
      clearTimeout(f.timer);
      f.timer = undefined;
    }
  }

  #publish(alarm: AlarmPayload): void {
    let f = this.#inFlight.get(alarm.seq);
    if (!f) {
      f = { publishes: 0, timer: undefined };
      this.#inFlight.set(alarm.seq, f);
    }
    clearTimeout(f.timer);
    f.publishes += 1;
    this.#send(alarm, f.publishes);
    f.timer = setTimeout(() => this.#publish(alarm), backoffMs(f.publishes, this.#policy));
  }

  #save(next: DeviceState): void {
    this.#store.save(next);
    this.#state = next;
  }
}
