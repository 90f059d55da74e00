/**
 * Every refusal goes through here: one warn line (with the device id and the
 * stable error code, never a password) and one count in
 * hk_mqtt_refusals_total{reason} (DESIGN.md "Device protocol": bad input is
 * "rejected, logged with the device id and counted").
 */
import type { ErrorCode } from "@helpkey/shared";
import type { Client } from "aedes";
import type { Logger } from "pino";
import type { BrokerMetrics } from "./metrics";
import type { Subject } from "./identities";

export interface Refusal {
  code: ErrorCode;
  /** Short, for people reading the log. */
  reason: string;
  details?: Record<string, unknown>;
}

export class Refusals {
  // Connections already being closed for a refusal. MQTT 3.1.1 has no negative
  // PUBACK, so a refused publish closes the connection; an oversize PUBLISH is
  // seen first by the size guard and then again by authorizePublish, and it
  // is one refusal, not two.
  readonly #closing = new WeakSet<Client>();
  readonly #logger: Logger;
  readonly #metrics: BrokerMetrics;

  constructor(logger: Logger, metrics: BrokerMetrics) {
    this.#logger = logger;
    this.#metrics = metrics;
  }

  /** A refusal that does not end the connection (a subscription, a CONNECT that is answered). */
  record(subject: Subject, refusal: Refusal): void {
    this.#logger.warn({ ...subject, code: refusal.code, ...refusal.details }, `mqtt refused: ${refusal.reason}`);
    this.#metrics.refusal(refusal.code);
  }

  /** A refusal that closes the client's connection; recorded once per connection. */
  closing(client: Client, subject: Subject, refusal: Refusal): void {
    if (this.#closing.has(client)) return;
    this.#closing.add(client);
    this.record(subject, refusal);
  }
}
