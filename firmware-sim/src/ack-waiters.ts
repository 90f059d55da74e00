/**
 * Promises for "the ack of seq N in state S", resolved from acks already seen or still to come.
 */
import type { AckPayload, AckState } from "@helpkey/shared";

export class AckTimeoutError extends Error {
  readonly code = "SIM_ACK_TIMEOUT";
}

interface Waiter {
  seq: number;
  state: AckState;
  resolve: (ack: AckPayload) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** Enough history for any test or CLI run; older seqs are forgotten so a long-running fleet stays small. */
const MAX_SEQS = 1_000;

/**
 * The states an alert moves through on its way to help; a later one implies the earlier ones (an ack
 * of `acknowledged` also says the press is stored). `cancelled` is a branch of its own: it matches only itself.
 */
const PROGRESS: readonly AckState[] = ["received", "acknowledged", "responding", "resolved"];

/** The ack of `seq` in `state` or a later state of the progress order. */
function matches(ack: AckPayload, seq: number, state: AckState): boolean {
  if (ack.seq !== seq) return false;
  if (state === "cancelled" || ack.state === "cancelled") return ack.state === state;
  return PROGRESS.indexOf(ack.state) >= PROGRESS.indexOf(state);
}

export class AckWaiters {
  readonly #seen = new Map<number, AckPayload[]>();
  readonly #waiters = new Set<Waiter>();

  record(ack: AckPayload): void {
    const list = this.#seen.get(ack.seq) ?? [];
    list.push(ack);
    this.#seen.set(ack.seq, list);
    if (this.#seen.size > MAX_SEQS) this.#seen.delete(this.#seen.keys().next().value!);
    for (const w of this.#waiters) {
      if (!matches(ack, w.seq, w.state)) continue;
      clearTimeout(w.timer);
      this.#waiters.delete(w);
      w.resolve(ack);
    }
  }

  wait(seq: number, state: AckState, timeoutMs: number): Promise<AckPayload> {
    const earlier = this.#seen.get(seq)?.find((a) => matches(a, seq, state));
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        seq, state, resolve, reject,
        timer: setTimeout(() => {
          this.#waiters.delete(w);
          reject(new AckTimeoutError(`no ack "${state}" for seq ${seq} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.#waiters.add(w);
    });
  }

  rejectAll(err: Error): void {
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    this.#waiters.clear();
  }
}
