/**
 * Opens the device's MQTT client. Plain `mqtt://` goes through our own TCP stream so that a fleet can
 * pick its source address (about 28k connections fit per address, TOOLCHAIN.md "mqtt.js 5") and Nagle
 * is off (with it on, every press → ack round trip stalls ~44 ms, TOOLCHAIN.md "aedes").
 */
import { connect as netConnect } from "node:net";
import { connect, MqttClient, type IClientOptions } from "mqtt";

export function openMqttClient(url: string, options: IClientOptions, localAddress?: string): MqttClient {
  const u = new URL(url);
  if (u.protocol === "mqtt:" || u.protocol === "tcp:") {
    const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
    const port = Number(u.port || 1883);
    return new MqttClient(() => netConnect({ host, port, localAddress, noDelay: true }), options);
  }
  if (localAddress) throw new Error(`localAddress works only with mqtt:// URLs, not ${u.protocol}//`);
  return connect(url, options);
}
