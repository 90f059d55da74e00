/** The outbox's backlog as the console shows it (GET /api/board/outbox). */
import type { Channel } from "./domain";

export interface ChannelBacklogView {
  channel: Channel;
  /** Rows of the caller's communities not yet handed to the provider. */
  waiting: number;
  /** Rows of the caller's communities handed to the provider, their answer not yet stored. */
  sending: number;
  /** How long the oldest of the caller's waiting rows has waited; null when none waits. */
  oldestWaitS: number | null;
  /** Requests a second the provider's limits allow the channel (every sender together); null: no rate (hang-ups). */
  ratePerS: number | null;
  /**
   * Seconds until the channel's whole queue (every community's, the caller's among it) is sent at
   * that rate; null when nothing of the caller's waits or the channel has no rate.
   */
  etaS: number | null;
  /** The provider said "too many requests": the channel sends again at this time (epoch ms). */
  pausedUntil: number | null;
}

export interface OutboxBacklog {
  at: number;
  channels: ChannelBacklogView[];
}
