/**
 * The console's live side: every connected WebSocket and the communities it may see.
 * Events arrive already numbered (committed); frames of one event-loop turn go out in one write.
 */
import type { WebSocket } from "ws";
import type { ConsoleEvent, ConsoleFrame } from "@helpkey/shared";

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

  static send(c: ConsoleClient, frames: ConsoleFrame[]): void {
    if (frames.length === 0 || c.ws.readyState !== c.ws.OPEN) return;
    // One text frame per event keeps the protocol simple for any client; corking makes them one write.
    const sock = (c.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    sock?.cork();
    for (const f of frames) c.ws.send(JSON.stringify(f));
    sock?.uncork();
  }

  broadcast(events: ConsoleEvent[]): void {
    if (events.length === 0) return;
    for (const c of this.clients) ConsoleHub.send(c, events.filter((e) => ConsoleHub.visible(c, e)));
  }

  closeAll(): void {
    for (const c of this.clients) c.ws.close(1001, "server shutting down");
    this.clients.clear();
  }
}
