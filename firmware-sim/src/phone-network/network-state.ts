/**
 * The phone network's memory, shared by the routes and the simulations: what was sent, who owns
 * which number, pending failures, and every timer (so close() leaves nothing running).
 */
import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import { DEFAULT_PERSON, type PersonScript } from "./people";
import type { Failure, FailureMatch, InboundMessage, PhoneNetworkEvents, RecordedCall, RecordedMessage } from "./types";

export interface NetworkConfig {
  accountSid: string;
  authToken: string;
  speed: number;
  log: Logger;
}

/** What the API can do to a live call: the calls route talks to simulations through this. */
export interface LiveCall {
  hangUp(requested: "canceled" | "completed"): void;
  redirect(source: { url: string; method: "GET" | "POST" } | { xml: string }): boolean;
  stop(): void;
}

export class NetworkState {
  readonly messages: RecordedMessage[] = [];
  readonly inboundMessages: InboundMessage[] = [];
  readonly calls: RecordedCall[] = [];
  readonly events = new EventEmitter<PhoneNetworkEvents>();
  readonly people = new Map<string, PersonScript>();
  readonly live = new Map<string, LiveCall>();
  readonly #failures: { failure: Failure; match: FailureMatch }[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #stopping = new AbortController();
  defaultPerson: PersonScript = DEFAULT_PERSON;
  inboundSmsUrl: string | undefined;
  closed = false;

  constructor(readonly config: NetworkConfig) {
    this.events.setMaxListeners(0);
  }

  /** Aborted by close(): callbacks still queued are dropped. */
  get signal(): AbortSignal {
    return this.#stopping.signal;
  }

  get log(): Logger {
    return this.config.log;
  }

  person(phone: string): PersonScript {
    return this.people.get(phone) ?? this.defaultPerson;
  }

  /** Simulated seconds → real milliseconds. */
  ms(seconds: number): number {
    return (seconds * 1000) / this.config.speed;
  }

  /** Runs `fn` after `seconds` of simulated time, unless the network closes first. */
  later(seconds: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, this.ms(seconds));
    this.#timers.add(t);
  }

  failNext(n: number, failure: Failure, match: FailureMatch = {}): void {
    for (let i = 0; i < n; i++) this.#failures.push({ failure, match });
  }

  /** The first queued failure meant for this request, taken off the queue. */
  takeFailure(req: { request: FailureMatch["request"]; to: string | undefined }): Failure | undefined {
    const i = this.#failures.findIndex(({ match: m }) => (m.request === undefined || m.request === req.request) && (m.to === undefined || m.to === req.to));
    return i < 0 ? undefined : this.#failures.splice(i, 1)[0]!.failure;
  }

  shutdown(): void {
    this.closed = true;
    this.#stopping.abort();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const c of this.live.values()) c.stop();
    this.live.clear();
  }
}
