/**
 * What the set-top box shows and what each remote key does, as a model of (state, key, now): no timers
 * and no network, so every rule is testable alone. The box (set-top-box.ts) feeds it keys, acks and
 * commands, calls `wake` at `nextWakeAt`, and carries out what it asks through `ScreenOutput`.
 */
import type { AckPayload, AckState, AlarmAction, AlarmKind, DeviceEvent } from "@helpkey/shared";

export const stbKeys = ["red", "green", "up", "down", "left", "right", "ok", "back"] as const;
export type StbKey = (typeof stbKeys)[number];

export interface ScreenOutput {
  /** Queues an alarm on the device (persisted, retransmitted until acked) and returns its seq. */
  press(o: { action: AlarmAction; kind: AlarmKind; category?: string }): number;
  event(e: DeviceEvent): void;
}

export interface ScreenTiming {
  /** The red key's countdown before the alarm goes (default 10 s). */
  countdownMs: number;
  /** A green press held this long is "I'm fine" (default 2 s). */
  longPressMs: number;
  /** At most one `activity {source:"tv"}` per this span (default 10 min). */
  activityEveryMs: number;
  /** How long "I'm fine" stays on screen (default 5 s). */
  noticeMs: number;
}

export const DEFAULT_TIMING: Readonly<ScreenTiming> = Object.freeze({ countdownMs: 10_000, longPressMs: 2_000, activityEveryMs: 600_000, noticeMs: 5_000 });

/** Messages waiting behind the one on screen; a flood drops the oldest waiting ones. */
const MAX_MESSAGES = 20;
/** msgIds already taken, so a QoS 1 redelivery is not shown twice. */
const MAX_SEEN_IDS = 200;
const LIVE: readonly (AckState | "sending")[] = ["sending", "received", "acknowledged", "responding"];

export interface Status {
  kind: AlarmKind;
  category: string | null;
  /** The seqs of this box's presses on the alert: its raise and any cancel. */
  seqs: number[];
  alertId: number | null;
  state: AckState | "sending";
  by: string | null;
  text: string | null;
  sentAt: number;
  cancelSent: boolean;
  hidden: boolean;
}

export interface Message {
  msgId: number | null;
  text: string;
  from: string | null;
  shown: boolean;
}

export type ScreenMode = "idle" | "countdown" | "sent" | "message" | "menu" | "status";

export class TvScreen {
  readonly #out: ScreenOutput;
  readonly #timing: ScreenTiming;
  #categoryKeys: readonly string[];
  countdownEndsAt: number | null = null;
  menuIndex: number | null = null;
  status: Status | null = null;
  readonly messages: Message[] = [];
  noticeUntil = 0;
  /** The community's cancel window as the device shows it (`cmd config` cancelWindowS). */
  cancelWindowMs = 10_000;
  #lastActivityAt = Number.NEGATIVE_INFINITY;
  readonly #seenIds: number[] = [];

  /** `categoryKeys`: the green key's menu, in its order. */
  constructor(out: ScreenOutput, timing: ScreenTiming, categoryKeys: readonly string[]) {
    this.#out = out;
    this.#timing = timing;
    this.#categoryKeys = categoryKeys;
  }

  /** What is on top: an open countdown, then a cancellable send, a message, the menu, the alert's status. */
  mode(now: number): ScreenMode {
    if (this.countdownEndsAt !== null) return "countdown";
    if (this.cancellable(now)) return "sent";
    if (this.messages.length > 0) return "message";
    if (this.menuIndex !== null) return "menu";
    if (this.status && !this.status.hidden) return "status";
    return "idle";
  }

  cancellable(now: number): boolean {
    const s = this.status;
    return s !== null && !s.cancelSent && LIVE.includes(s.state) && now < s.sentAt + this.cancelWindowMs;
  }

  noticeShown(now: number): boolean {
    return now < this.noticeUntil;
  }

  key(key: StbKey, holdMs: number, now: number): void {
    const longGreen = key === "green" && holdMs >= this.#timing.longPressMs;
    if (longGreen) {
      this.#activity("key", now);
      this.noticeUntil = now + this.#timing.noticeMs;
    } else {
      this.#activity("tv", now);
      this.#apply(key, now);
    }
    this.#drawn(now);
  }

  /** Time passed: a countdown that has run out sends its alarm. */
  wake(now: number): void {
    if (this.countdownEndsAt !== null && now >= this.countdownEndsAt) {
      this.countdownEndsAt = null;
      this.#raise("emergency", null, now);
    }
    this.#drawn(now);
  }

  /** The next moment the screen changes by itself (a countdown second, the cancel window's end, the notice's end). */
  nextWakeAt(now: number): number | null {
    const at: number[] = [];
    // the countdown shows whole seconds: wake when the number changes
    if (this.countdownEndsAt !== null) at.push(now + ((this.countdownEndsAt - now) % 1000 || 1000));
    if (this.cancellable(now)) at.push(this.status!.sentAt + this.cancelWindowMs);
    if (this.noticeShown(now)) at.push(this.noticeUntil);
    return at.length ? Math.min(...at) : null;
  }

  ack(a: AckPayload, now: number): void {
    const s = this.status;
    if (s && (s.seqs.includes(a.seq) || (a.alertId !== 0 && s.alertId === a.alertId))) {
      if (!s.seqs.includes(a.seq)) s.seqs.push(a.seq);
      if (a.alertId !== 0) s.alertId = a.alertId;
      Object.assign(s, { state: a.state, by: a.by ?? null, text: a.text ?? null, hidden: false });
    } else if (LIVE.includes(a.state)) {
      // An alert this box pressed for, not the one on screen (e.g. one that came back): show it.
      this.status = { kind: "emergency", category: null, seqs: [a.seq], alertId: a.alertId || null, state: a.state, by: a.by ?? null, text: a.text ?? null, sentAt: Number.NEGATIVE_INFINITY, cancelSent: false, hidden: false };
    }
    this.#drawn(now);
  }

  display(msg: { text: string; msgId?: number | undefined; from?: string | undefined }, now: number): void {
    if (msg.msgId !== undefined) {
      if (this.#seenIds.includes(msg.msgId)) return;
      this.#seenIds.push(msg.msgId);
      if (this.#seenIds.length > MAX_SEEN_IDS) this.#seenIds.shift();
    }
    if (this.messages.length >= MAX_MESSAGES) this.messages.splice(1, 1);
    this.messages.push({ msgId: msg.msgId ?? null, text: msg.text, from: msg.from ?? null, shown: false });
    this.#drawn(now);
  }

  #apply(key: StbKey, now: number): void {
    const mode = this.mode(now);
    if (key === "red") {
      // The help key works from every screen; during its own countdown a second press changes nothing.
      if (mode !== "countdown") {
        this.menuIndex = null;
        this.countdownEndsAt = now + this.#timing.countdownMs;
      }
      return;
    }
    const okOrBack = key === "ok" || key === "back";
    switch (mode) {
      case "countdown":
        if (okOrBack) this.countdownEndsAt = null; // withdrawn before anything left the box
        return;
      case "sent":
        if (okOrBack) {
          const s = this.status!;
          s.seqs.push(this.#out.press({ action: "cancel", kind: s.kind, ...(s.category ? { category: s.category } : {}) }));
          s.cancelSent = true;
        }
        return;
      case "message":
        if (okOrBack) {
          const m = this.messages.shift()!;
          if (m.msgId !== null) this.#out.event({ type: "dismissed", msgId: m.msgId });
        }
        return;
      case "menu":
        if (key === "back") this.menuIndex = null;
        else if (key === "up" || key === "left") this.menuIndex = (this.menuIndex! + this.#categoryKeys.length - 1) % this.#categoryKeys.length;
        else if (key === "down" || key === "right") this.menuIndex = (this.menuIndex! + 1) % this.#categoryKeys.length;
        else if (key === "ok") {
          const index = this.menuIndex!;
          this.menuIndex = null;
          this.#raise("service", index, now);
        }
        return;
      case "status":
        if (okOrBack) {
          // A live alert's status comes back with its next ack; a closed one is done with.
          if (LIVE.includes(this.status!.state)) this.status!.hidden = true;
          else this.status = null;
        } else if (key === "green") this.menuIndex = 0;
        return;
      case "idle":
        if (key === "green") this.menuIndex = 0;
        return;
    }
  }

  /** A new menu from the gateway (`cmd config categories`); an open menu starts again at its top. */
  setCategories(keys: readonly string[]): void {
    if (keys.length === 0) return;
    this.#categoryKeys = keys;
    if (this.menuIndex !== null) this.menuIndex = 0;
  }

  /** `categoryIndex`: the menu position of a service request. */
  #raise(kind: "emergency" | "service", categoryIndex: number | null, now: number): void {
    const category = categoryIndex === null ? null : this.#categoryKeys[categoryIndex]!;
    const seq = this.#out.press({ action: "raise", kind, ...(category ? { category } : {}) });
    this.status = { kind, category, seqs: [seq], alertId: null, state: "sending", by: null, text: null, sentAt: now, cancelSent: false, hidden: false };
  }

  #activity(source: "tv" | "key", now: number): void {
    if (source === "tv" && now - this.#lastActivityAt < this.#timing.activityEveryMs) return;
    this.#lastActivityAt = now;
    this.#out.event({ type: "activity", ts: now, source });
  }

  /** A message counts as shown once it is the screen's top view: then `event shown` goes. */
  #drawn(now: number): void {
    const m = this.messages[0];
    if (!m || m.shown || this.mode(now) !== "message") return;
    m.shown = true;
    if (m.msgId !== null) this.#out.event({ type: "shown", msgId: m.msgId });
  }
}
