/**
 * The console's live side: every connected WebSocket and the communities it may see.
 * Events arrive already numbered (committed); a frame leaves only once its event is on disk
 * (store/wal-sync.ts), in commit order. Everything one WAL sync releases (the ingest's batch, the
 * webhooks', the outbox's) goes to each console in one write: at 1,000 presses/s that was three
 * writes, and three wake-ups of the console's machine, per sync (bench, issue 4).
 */
import type { WebSocket } from "ws";
import type { ConsoleEvent, ConsoleFrame } from "@helpkey/shared";
import { afterDurable } from "../store/wal-sync";

export interface ConsoleClient {
  ws: WebSocket;
  /** null = every community (admin). */
  communityIds: Set<number> | null;
}

/** Frames released and not yet written, per console, in release order. */
const unwritten = new Map<ConsoleClient, string[]>();

function enqueue(c: ConsoleClient, texts: string[]): void {
  if (texts.length === 0) return;
  if (unwritten.size === 0) queueMicrotask(writeReleased); // after every callback of this release
  const list = unwritten.get(c);
  if (list) list.push(...texts);
  else unwritten.set(c, [...texts]);
}

function writeReleased(): void {
  for (const [c, texts] of unwritten) {
    unwritten.delete(c);
    if (c.ws.readyState !== c.ws.OPEN) continue;
    // One text frame per event keeps the protocol simple for any client; corking makes them one write.
    const sock = (c.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    sock?.cork();
    for (const t of texts) c.ws.send(t);
    sock?.uncork();
  }
}

export class ConsoleHub {
  private clients = new Set<ConsoleClient>();

  add(c: ConsoleClient): () => void {
    this.clients.add(c);
    return () => this.clients.delete(c);
  }

  size(): number {
    return this.clients.size;
  }

  static visible(c: ConsoleClient, e: ConsoleEvent): boolean {
    return c.communityIds === null || c.communityIds.has(e.communityId);
  }

  /** A snapshot or replay for one client; queued behind every live batch committed before it. */
  static send(c: ConsoleClient, frames: ConsoleFrame[]): void {
    if (frames.length === 0) return;
    const texts = frames.map((f) => JSON.stringify(f));
    afterDurable(() => enqueue(c, texts));
  }

  broadcast(events: ConsoleEvent[]): void {
    if (events.length === 0 || this.clients.size === 0) return;
    // Serialized once for all consoles; the recipients are those connected now (a console that
    // connects later gets these events in its snapshot or replay instead).
    const texts = events.map((e) => JSON.stringify(e));
    const targets = [...this.clients];
    afterDurable(() => {
      for (const c of targets) {
        const mine = c.communityIds === null ? texts : texts.filter((_, i) => ConsoleHub.visible(c, events[i]!));
        enqueue(c, mine);
      }
    });
  }

  closeAll(): void {
    for (const c of this.clients) c.ws.close(1001, "server shutting down");
    this.clients.clear();
  }
}
