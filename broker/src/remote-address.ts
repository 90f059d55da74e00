/**
 * Where a client connects from, through aedes' public fields: the HTTP request of a WebSocket
 * (`aedes.handle(stream, req)`), else the socket itself (TCP, TLS). Undefined for an in-memory stream.
 */
import type { Client } from "aedes";

export function remoteAddressOf(client: Client): string | undefined {
  const conn = client.conn as { remoteAddress?: string };
  return client.req?.socket.remoteAddress ?? conn.remoteAddress;
}
