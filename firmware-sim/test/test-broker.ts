/**
 * A bare Aedes broker on port 0 for the device tests: authenticates id/secret like ours does
 * (client id = username) and nothing else. The real broker lives in broker/; the emulator must work
 * against any MQTT 3.1.1 broker.
 */
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { Aedes, type AuthenticateError } from "aedes";
import { connectAsync, type MqttClient } from "mqtt";

export interface TestBroker {
  url: string;
  broker: Aedes;
  /** A plain MQTT client with full access, for observing and answering devices. */
  observer(): Promise<MqttClient>;
  close(): Promise<void>;
}

export const OBSERVER = { username: "observer", password: "observer-secret" };

export async function startTestBroker(secrets: Record<string, string>): Promise<TestBroker> {
  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      const ok = username === OBSERVER.username
        ? password?.toString() === OBSERVER.password
        : username === client.id && secrets[username ?? ""] !== undefined && secrets[username ?? ""] === password?.toString();
      if (ok) return done(null, true);
      const err = new Error("bad username or password") as AuthenticateError;
      err.returnCode = 4 as AuthenticateError["returnCode"];
      done(err, false);
    },
  });
  // noDelay: with Nagle on, request/response round trips stall ~44 ms (Nagle's algorithm meets delayed ACKs).
  const sockets = new Set<Socket>();
  const server: Server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `mqtt://127.0.0.1:${port}`;
  const clients: MqttClient[] = [];
  return {
    url,
    broker,
    async observer() {
      const c = await connectAsync(url, { ...OBSERVER, clientId: `observer-${clients.length}-${process.pid}`, reconnectPeriod: 0 });
      clients.push(c);
      return c;
    },
    async close() {
      await Promise.all(clients.map((c) => c.endAsync(true)));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
