/**
 * The plain-TCP MQTT listener, and `serve`, which every listener of the broker (TCP, TLS,
 * WebSocket) listens with. `noDelay` is essential: with Nagle's algorithm on, every
 * request/response round trip (CONNECT/CONNACK, PUBLISH/PUBACK) stalls ~40 ms waiting for the
 * peer's delayed ACK.
 */
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";

export interface Listener {
  port: number;
  /** Stops accepting and destroys every socket still open (also those that never sent CONNECT). */
  close(): Promise<void>;
}

export async function listenTcp(host: string, port: number, onConnection: (socket: Socket) => void): Promise<Listener> {
  return serve(createServer({ noDelay: true }, onConnection), host, port);
}

/**
 * Listens on `host:port` with a deep accept queue and tracks every connection, so that close()
 * cuts them all. "connection" is the raw TCP socket for every kind of server (net, tls, http,
 * https): a TLS handshake or an HTTP upgrade still in progress is cut too.
 */
export async function serve(server: Server, host: string, port: number): Promise<Listener> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  server.on("connection", track);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // A district reconnecting at once: Node's default backlog (511) drops SYNs while the loop is
    // busy, and a dropped SYN is retried by the kernel only after 1, 3, 7, 15 … s. Linux caps
    // this at net.core.somaxconn (4096 here).
    server.listen({ port, host, backlog: 4096 }, () => {
      server.off("error", reject);
      resolve();
    });
  });

  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
