/**
 * Opens the device's MQTT client over mqtt://, mqtts://, ws:// or wss://. TCP and TLS go through our
 * own socket so that a fleet can pick its source address (about 28k connections fit per address)
 * and Nagle is off (with it on, every press → ack round trip stalls ~44 ms on the peer's delayed
 * ACK); ws (the library behind mqtt.js' WebSocket transport) turns Nagle off itself.
 */
import { isIP, connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { connect, MqttClient, type IClientOptions } from "mqtt";

export interface TransportOptions {
  /** Source IP of the connection (mqtt:// and mqtts:// only). */
  localAddress?: string | undefined;
  /** PEM certificate(s) to trust besides the system's, e.g. a broker's self-signed one (mqtts://, wss://). */
  ca?: string | undefined;
}

export function openMqttClient(url: string, options: IClientOptions, transport: TransportOptions = {}): MqttClient {
  const { localAddress, ca } = transport;
  const u = new URL(url);
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  const tcp = (port: number) => netConnect({ host, port, localAddress, noDelay: true });
  switch (u.protocol) {
    case "mqtt:":
    case "tcp:":
      return new MqttClient(() => tcp(Number(u.port || 1883)), options);
    case "mqtts:":
    case "ssl:":
      // `host` is what the certificate must name (DNS name or IP address); SNI takes a DNS name only
      return new MqttClient(() => tlsConnect({ socket: tcp(Number(u.port || 8883)), host, ...(isIP(host) ? {} : { servername: host }), ...(ca ? { ca } : {}) }), options);
    case "ws:":
    case "wss:":
      if (localAddress) throw new Error(`localAddress works only with mqtt:// and mqtts:// URLs, not ${u.protocol}//`);
      return connect(url, { ...options, ...(ca ? { ca } : {}) });
    default:
      throw new Error(`unsupported broker URL ${u.protocol}//: use mqtt://, mqtts://, ws:// or wss://`);
  }
}
