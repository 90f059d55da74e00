/**
 * MQTT over TLS (mqtts://, MQTT 3.1.1 section 5.1 and 4.2): the TCP listener with a TLS layer.
 * Each device's connection is handed over only once its handshake is done, so aedes and the
 * policies see exactly what they see over plain TCP.
 */
import { createServer, type TLSSocket } from "node:tls";
import { serve, type Listener } from "./tcp-listener";

/** PEM text of the server's certificate (chain) and private key. */
export interface TlsPem {
  cert: string;
  key: string;
}

export interface TlsListenerOptions {
  pem: TlsPem;
  /** A peer that has not finished its handshake by then is cut off (it holds a socket meanwhile). */
  handshakeTimeoutMs: number;
  /** A failed or timed-out handshake, e.g. a plain-text client on this port. */
  onHandshakeError(err: Error): void;
}

export async function listenTls(host: string, port: number, opts: TlsListenerOptions, onConnection: (socket: TLSSocket) => void): Promise<Listener> {
  const server = createServer({ ...opts.pem, noDelay: true, handshakeTimeout: opts.handshakeTimeoutMs }, onConnection);
  server.on("tlsClientError", (err, socket) => {
    opts.onHandshakeError(err);
    // Node destroys it after a protocol error, but leaves it open after a handshake timeout
    socket.destroy();
  });
  return serve(server, host, port);
}
