/**
 * One CONNECT on a raw TCP socket, built with mqtt-packet, from a chosen source address: what a
 * flood of logins looks like on the wire, without an MQTT client's reconnects and timers.
 */
import { connect } from "node:net";
import { generate, parser } from "mqtt-packet";

/** The CONNACK's return code, or how the connection ended without one. */
export type ConnectResult = number | "closed" | "error";

export function rawConnect(o: { port: number; host?: string; localAddress?: string; id: string; password: string }): Promise<ConnectResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: o.host ?? "127.0.0.1", port: o.port, noDelay: true, ...(o.localAddress ? { localAddress: o.localAddress } : {}) });
    const packets = parser({ protocolVersion: 4 });
    let settled = false;
    const done = (r: ConnectResult) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(r);
    };
    packets.on("packet", (p) => {
      if (p.cmd === "connack") done(p.returnCode ?? "error");
    });
    packets.on("error", () => done("error"));
    socket.on("data", (d: Buffer) => void packets.parse(d));
    socket.on("error", () => done("error"));
    socket.on("close", () => done("closed"));
    socket.on("connect", () =>
      socket.write(generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, keepalive: 60, clientId: o.id, username: o.id, password: Buffer.from(o.password) })),
    );
  });
}
