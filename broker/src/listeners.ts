/**
 * The broker's doors, opened in order: the gateway's service port first (it is open before any
 * device can queue up at the others), then the device listeners: plain TCP, and the optional TLS,
 * WebSocket and secure WebSocket ones. Every door hands its connections to the same `admit`, so
 * authentication, topic ACL, packet-size guard and rate limits are the same on all of them.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import type { ResolvedOptions } from "./options";
import type { BrokerAddresses } from "./types";
import { listenTcp, type Listener } from "./tcp-listener";
import { listenTls } from "./tls-listener";
import { listenWebSocket, WS_PATH } from "./ws-listener";

export interface Doors extends BrokerAddresses {
  /** Closes every listener and every connection still open on it. */
  close(): Promise<void>;
}

export type Admit = (conn: Duplex, req?: IncomingMessage) => void;

export async function openDoors(opts: ResolvedOptions, servicePort: number | undefined, admit: Admit, log: Logger): Promise<Doors> {
  const opened: Listener[] = [];
  const open = async (listening: Promise<Listener>) => {
    const listener = await listening;
    opened.push(listener);
    return listener;
  };
  const close = async () => {
    await Promise.all(opened.map((l) => l.close()));
  };
  // a client that cannot even finish its TLS handshake is no device yet: nobody to refuse by name
  const handshakeFailed = (transport: string) => (err: Error) => log.debug({ transport, err: err.message }, "tls handshake failed");
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  const at = (scheme: string, l: Listener | null, path = "") => (l ? `${scheme}://${host}:${l.port}${path}` : null);
  const wsOptions = { maxPayload: opts.maxPacketBytes, handshakeTimeoutMs: opts.handshakeTimeoutMs };

  try {
    const service = servicePort === undefined ? null : await open(listenTcp("127.0.0.1", servicePort, admit));
    const tcp = await open(listenTcp(opts.host, opts.port, admit));
    const tls = opts.tlsPort === undefined
      ? null
      : await open(listenTls(opts.host, opts.tlsPort, { pem: opts.tls!, handshakeTimeoutMs: opts.handshakeTimeoutMs, onHandshakeError: handshakeFailed("mqtts") }, admit));
    const ws = opts.wsPort === undefined
      ? null
      : await open(listenWebSocket(opts.host, opts.wsPort, { ...wsOptions, onHandshakeError: handshakeFailed("ws") }, admit));
    const wss = opts.wssPort === undefined
      ? null
      : await open(listenWebSocket(opts.host, opts.wssPort, { ...wsOptions, tls: opts.tls!, onHandshakeError: handshakeFailed("wss") }, admit));
    return {
      port: tcp.port,
      url: at("mqtt", tcp)!,
      serviceUrl: service ? `mqtt://127.0.0.1:${service.port}` : null,
      tlsUrl: at("mqtts", tls),
      wsUrl: at("ws", ws, WS_PATH),
      wssUrl: at("wss", wss, WS_PATH),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
