/**
 * The console's live side: every connected WebSocket and the communities it may see.
 * Events arrive already numbered (committed); a frame leaves only once its event is on disk
 * (store/wal-sync.ts), in commit order; frames of one batch go out in one write.
 */
import type { WebSocket } from "ws";
import type { ConsoleEvent, ConsoleFrame } from "@helpkey/shared";
import { afterDurable } from "../store/wal-sync";

export interface ConsoleClient {
  ws: WebSocket;
  /** null = every community (admin). */
  communityIds: Set<number> | null;
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
    afterDurable(() => ConsoleHub.write(c, texts));
  }

  private static write(c: ConsoleClient, texts: string[]): void {
    if (texts.length === 0 || c.ws.readyState !== c.ws.OPEN) return;
    // One text frame per event keeps the protocol simple for any client; corking makes them one write.
    const sock = (c.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    sock?.cork();
    for (const t of texts) c.ws.send(t);
    sock?.uncork();
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
        ConsoleHub.write(c, mine);
      }
    });
  }

  closeAll(): void {
    for (const c of this.clients) c.ws.close(1001, "server shutting down");
    this.clients.clear();
  }
}
