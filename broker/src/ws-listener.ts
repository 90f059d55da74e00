/**
 * MQTT over WebSocket (ws:// and, with a certificate, wss://), MQTT 3.1.1 section 6: one HTTP
 * server that upgrades only `GET /mqtt` offering the `mqtt` subprotocol, and hands each
 * WebSocket to the broker as a byte stream (binary frames may carry several or partial MQTT
 * packets [MQTT-6.0.0-2], so the packet-size guard reads the stream as it does a TCP socket).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Duplex } from "node:stream";
import { createWebSocketStream, WebSocketServer } from "ws";
import { serve, type Listener } from "./tcp-listener";
import type { TlsPem } from "./tls-listener";

export const WS_PATH = "/mqtt";
const SUBPROTOCOL = "mqtt";

export interface WsListenerOptions {
  /** Largest WebSocket message accepted; a bigger one closes the connection (status 1009). */
  maxPayload: number;
  /** wss:// when set. */
  tls?: TlsPem;
  /** The TLS handshake and then the HTTP upgrade request must each be done within this. */
  handshakeTimeoutMs: number;
  /** A failed or timed-out TLS handshake (wss:// only). */
  onHandshakeError(err: Error): void;
}

export async function listenWebSocket(host: string, port: number, opts: WsListenerOptions, onConnection: (stream: Duplex, req: IncomingMessage) => void): Promise<Listener> {
  // a socket that never finishes its upgrade request is cut, as a TLS handshake that never ends
  const httpOptions = { noDelay: true, headersTimeout: opts.handshakeTimeoutMs, requestTimeout: opts.handshakeTimeoutMs, connectionsCheckingInterval: Math.min(opts.handshakeTimeoutMs, 1_000) };
  const server: HttpServer = opts.tls
    ? createHttpsServer({ ...httpOptions, ...opts.tls, handshakeTimeout: opts.handshakeTimeoutMs })
    : createHttpServer(httpOptions);
  if (opts.tls) {
    server.on("tlsClientError", (err, socket) => {
      opts.onHandshakeError(err);
      // as on the TLS listener: a timed-out handshake is not closed by Node itself
      socket.destroy();
    });
  }
  // a connection idle before its upgrade is closed; ws clears this timer once upgraded
  server.setTimeout(opts.handshakeTimeoutMs);

  // No compression: a small compressed frame could inflate far beyond maxPayload's worth of work.
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload, perMessageDeflate: false, clientTracking: false, handleProtocols: () => SUBPROTOCOL });

  server.on("request", (req, res) => {
    // plain HTTP: only a WebSocket upgrade is served here
    const status = pathOf(req) === WS_PATH ? 426 : 404;
    res.writeHead(status, { "content-type": "text/plain", connection: "close", ...(status === 426 ? { upgrade: "websocket" } : {}) });
    res.end(status === 426 ? `use a WebSocket with subprotocol "${SUBPROTOCOL}"\n` : "not found\n");
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (pathOf(req) !== WS_PATH) return refuseUpgrade(socket, 404, "not found");
    // the client must offer "mqtt" and the server must select it [MQTT-6.0.0-3], [MQTT-6.0.0-4]
    if (!offeredProtocols(req).includes(SUBPROTOCOL)) return refuseUpgrade(socket, 400, `the WebSocket subprotocol must be "${SUBPROTOCOL}"`);
    wss.handleUpgrade(req, socket, head, (ws) => {
      // MQTT travels in binary frames only; a text frame closes the connection [MQTT-6.0.0-1]
      ws.on("message", (_data, isBinary) => {
        if (!isBinary) ws.terminate();
      });
      onConnection(wholePackets(createWebSocketStream(ws)), req);
    });
  });

  const listener = await serve(server, host, port);
  return {
    port: listener.port,
    close: async () => {
      wss.close();
      await listener.close();
    },
  };
}

/**
 * The broker writes each packet in several chunks within one tick, corked (mqtt-packet), and the
 * stream sends each chunk as a message of its own. With Writable's `writev` hook the chunks of a
 * tick leave as one message: one frame, one TLS record, one TCP segment instead of four to six.
 */
function wholePackets(stream: Duplex): Duplex {
  stream._writev = (chunks, callback) => stream._write(Buffer.concat(chunks.map((c) => c.chunk as Buffer)), chunks[0]!.encoding, callback);
  return stream;
}

/** True for the error a WebSocket stream fails with when a message exceeds maxPayload. */
export function isOversizeMessage(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH";
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? "";
  const end = url.indexOf("?");
  return end < 0 ? url : url.slice(0, end);
}

function offeredProtocols(req: IncomingMessage): string[] {
  return (req.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim());
}

function refuseUpgrade(socket: Duplex, status: 400 | 404, message: string): void {
  const reason = status === 404 ? "Not Found" : "Bad Request";
  // the HTTP server no longer watches an upgrade's socket: a reset must not go unhandled
  socket.on("error", () => socket.destroy());
  socket.once("finish", () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
}
