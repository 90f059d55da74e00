/**
 * The console's live side: every connected WebSocket, who opened it and the communities it may see.
 * Events arrive already numbered (committed); a frame leaves only once its event is on disk
 * (store/wal-sync.ts), in commit order. Everything one WAL sync releases goes to each console in one
 * write. A console that stops reading is closed once its send buffer passes a limit (it resumes
 * with `since=N`), and one whose credentials were revoked is closed at once.
 */
import type { WebSocket } from "ws";
import type { ConsoleEvent, ConsoleFrame } from "@helpkey/shared";
import type { AfterDurable } from "../store/wal-sync";
import { canSee } from "../users/scope";

export interface ConsoleClient {
  ws: WebSocket;
  /** The TCP socket under the WebSocket (the upgrade request's): corked around a batch, so it leaves in one write. */
  socket?: { cork(): void; uncork(): void };
  /** null = every community (admin). */
  communityIds: Set<number> | null;
  /** The account behind it (null: the admin token). */
  userId: number | null;
  /** The session it was opened with (null: the admin token). */
  sessionId: string | null;
}

/** WebSocket close codes the console acts on (4000–4999 are the application's). */
export const CloseCodes = {
  /** The server is stopping; reconnect. */
  goingAway: 1001,
  /** The console fell behind (its send buffer passed the limit); reconnect with since=N. */
  tooSlow: 1013,
  /** Its credentials were revoked (logged out, disabled, role or communities changed): log in again. */
  revoked: 4001,
} as const;

/** Bytes a console may have waiting in its send buffer before it is closed. */
export const DEFAULT_SEND_BUFFER_LIMIT = 8 * 1024 * 1024;
/** A closed console that does not finish the closing handshake is cut off after this. */
const CLOSE_GRACE_MS = 2_000;

export interface ConsoleHubOptions {
  /** The system's WAL sync: a frame leaves once its event is on disk. */
  afterDurable: AfterDurable;
  /** Bytes a console may have waiting in its send buffer before it is closed. */
  sendBufferLimit?: number;
  /** Told of every console closed, and why (for /metrics). */
  onClosed?: (why: "too_slow" | "revoked") => void;
}

export class ConsoleHub {
  private readonly clients = new Set<ConsoleClient>();
  /** Frames released and not yet written, per console, in release order. */
  private readonly unwritten = new Map<ConsoleClient, string[]>();
  private readonly sendBufferLimit: number;
  private readonly onClosed: (why: "too_slow" | "revoked") => void;
  private readonly afterDurable: AfterDurable;

  constructor(opts: ConsoleHubOptions) {
    this.afterDurable = opts.afterDurable;
    this.sendBufferLimit = opts.sendBufferLimit ?? DEFAULT_SEND_BUFFER_LIMIT;
    this.onClosed = opts.onClosed ?? (() => undefined);
  }

  add(c: ConsoleClient): () => void {
    this.clients.add(c);
    return () => {
      this.clients.delete(c);
      this.unwritten.delete(c);
    };
  }

  size(): number {
    return this.clients.size;
  }

  /** A snapshot or replay for one client; queued behind every live batch committed before it. */
  send(c: ConsoleClient, frames: ConsoleFrame[]): void {
    if (frames.length === 0) return;
    const texts = frames.map((f) => JSON.stringify(f));
    this.afterDurable(() => this.enqueue(c, texts));
  }

  broadcast(events: ConsoleEvent[]): void {
    if (events.length === 0 || this.clients.size === 0) return;
    // Serialized once for all consoles; the recipients are those connected now (a console that
    // connects later gets these events in its snapshot or replay instead).
    const texts = events.map((e) => JSON.stringify(e));
    const targets = [...this.clients];
    this.afterDurable(() => {
      for (const c of targets) {
        const mine = c.communityIds === null ? texts : texts.filter((_, i) => canSee(c, events[i]!.communityId));
        this.enqueue(c, mine);
      }
    });
  }

  /** Closes, at once, every console the predicate picks (its credentials no longer hold). */
  revoke(pick: (c: ConsoleClient) => boolean, reason: string): number {
    let n = 0;
    for (const c of [...this.clients]) {
      if (!pick(c)) continue;
      this.close(c, CloseCodes.revoked, reason);
      this.onClosed("revoked");
      n++;
    }
    return n;
  }

  closeAll(): void {
    for (const c of this.clients) c.ws.close(CloseCodes.goingAway, "server shutting down");
    this.clients.clear();
    this.unwritten.clear();
  }

  private close(c: ConsoleClient, code: number, reason: string): void {
    this.clients.delete(c);
    this.unwritten.delete(c);
    c.ws.close(code, reason);
    // a peer that does not read does not answer the close either
    setTimeout(() => c.ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  private enqueue(c: ConsoleClient, texts: string[]): void {
    if (texts.length === 0 || !this.clients.has(c)) return;
    if (this.unwritten.size === 0) queueMicrotask(() => this.writeReleased()); // after every callback of this release
    const list = this.unwritten.get(c);
    if (list) list.push(...texts);
    else this.unwritten.set(c, [...texts]);
  }

  private writeReleased(): void {
    for (const [c, texts] of this.unwritten) {
      this.unwritten.delete(c);
      if (c.ws.readyState !== c.ws.OPEN) continue;
      if (c.ws.bufferedAmount > this.sendBufferLimit) {
        this.close(c, CloseCodes.tooSlow, "console fell behind: reconnect with since=N");
        this.onClosed("too_slow");
        continue;
      }
      // One text frame per event keeps the protocol simple for any client; corking makes them one write.
      c.socket?.cork();
      for (const t of texts) c.ws.send(t);
      c.socket?.uncork();
    }
  }
}
