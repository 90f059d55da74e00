/**
 * The plain-TCP MQTT listener. `noDelay` is essential: with Nagle's algorithm
 * on, every request/response round trip (CONNECT/CONNACK, PUBLISH/PUBACK)
 * stalls ~40 ms waiting for the peer's delayed ACK (TOOLCHAIN.md "aedes").
 */
import { createServer, type AddressInfo, type Socket } from "node:net";

export interface TcpListener {
  port: number;
  /** Stops accepting and destroys every socket still open (also those that never sent CONNECT). */
  close(): Promise<void>;
}

export async function listenTcp(host: string, port: number, onConnection: (socket: Socket) => void): Promise<TcpListener> {
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    onConnection(socket);
  });

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
