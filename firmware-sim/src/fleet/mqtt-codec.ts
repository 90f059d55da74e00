/**
 * The few MQTT 3.1.1 packets a help button needs, encoded and framed by hand. A fleet of 19,000
 * emulated devices shares two cores with the server it measures, so each device is a socket, a
 * frame reader and a handful of fields instead of a full mqtt.js client (TOOLCHAIN.md: 16–19 KB each).
 * Packet layouts cite the spec: [MQTT-2.2] fixed header, [MQTT-3.x] each packet.
 */

export const PacketType = {
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  SUBACK: 9,
  PINGRESP: 13,
} as const;

/** Remaining Length: 7 bits per byte, low first, at most 4 bytes [MQTT-2.2.3]. */
function lengthBytes(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** A whole packet from its first byte (type << 4 | flags) and body: the fixed header [MQTT-2.2]. */
export function packet(first: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([first, ...lengthBytes(body.length)]), body]);
}

function str(s: string | Buffer): Buffer {
  const b = typeof s === "string" ? Buffer.from(s, "utf8") : s;
  const len = Buffer.allocUnsafe(2);
  len.writeUInt16BE(b.length, 0);
  return Buffer.concat([len, b]);
}

function u16(n: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(n, 0);
  return b;
}

export interface ConnectOptions {
  clientId: string;
  username: string;
  password: string;
  keepaliveS: number;
  will: { topic: string; payload: string; qos: 0 | 1; retain: boolean };
}

/** CONNECT, protocol level 4, clean session [MQTT-3.1]. */
export function encodeConnect(o: ConnectOptions): Buffer {
  const flags = 0x80 | 0x40 | (o.will.retain ? 0x20 : 0) | (o.will.qos << 3) | 0x04 | 0x02;
  const header = Buffer.concat([str("MQTT"), Buffer.from([4, flags]), u16(o.keepaliveS)]);
  const payload = Buffer.concat([str(o.clientId), str(o.will.topic), str(o.will.payload), str(o.username), str(o.password)]);
  return packet(0x10, Buffer.concat([header, payload]));
}

/** PUBLISH with QoS 1 [MQTT-3.3]; `dup` marks a retransmission of the same packet id. */
export function encodePublish(topic: string, payload: string, packetId: number, opts: { retain?: boolean; dup?: boolean } = {}): Buffer {
  const first = 0x30 | (opts.dup ? 0x08 : 0) | (1 << 1) | (opts.retain ? 1 : 0);
  return packet(first, Buffer.concat([str(topic), u16(packetId), Buffer.from(payload, "utf8")]));
}

/** PUBACK [MQTT-3.4]. */
export function encodePuback(packetId: number): Buffer {
  return Buffer.from([0x40, 0x02, packetId >> 8, packetId & 0xff]);
}

/** SUBSCRIBE, every filter at QoS 1 [MQTT-3.8]; the fixed header's flags must be 0010 [MQTT-3.8.1-1]. */
export function encodeSubscribe(packetId: number, filters: string[]): Buffer {
  return packet(0x82, Buffer.concat([u16(packetId), ...filters.map((f) => Buffer.concat([str(f), Buffer.from([1])]))]));
}

export const PINGREQ = Buffer.from([0xc0, 0x00]);
export const DISCONNECT = Buffer.from([0xe0, 0x00]);

export interface Frame {
  type: number;
  flags: number;
  body: Buffer;
}

/**
 * Splits a byte stream into packets; keeps a partial packet until the rest arrives.
 * Returns null on a malformed length (the caller drops the connection).
 */
export class FrameReader {
  #buf: Buffer | null = null;

  push(chunk: Buffer, onFrame: (f: Frame) => void): boolean {
    let buf = this.#buf ? Buffer.concat([this.#buf, chunk]) : chunk;
    let i = 0;
    for (;;) {
      if (buf.length - i < 2) break;
      let len = 0;
      let mul = 1;
      let j = i + 1;
      let complete = false;
      for (let k = 0; k < 4 && j < buf.length; k++, j++) {
        const b = buf[j]!;
        len += (b & 0x7f) * mul;
        mul *= 128;
        if ((b & 0x80) === 0) {
          complete = true;
          j++;
          break;
        }
        if (k === 3) return false;
      }
      if (!complete || buf.length - j < len) break;
      const first = buf[i]!;
      onFrame({ type: first >> 4, flags: first & 0x0f, body: buf.subarray(j, j + len) });
      i = j + len;
    }
    buf = i >= buf.length ? Buffer.alloc(0) : buf.subarray(i);
    this.#buf = buf.length ? Buffer.from(buf) : null;
    return true;
  }
}

/** An incoming PUBLISH: topic, packet id (QoS > 0) and payload [MQTT-3.3.2]. */
export function decodePublish(f: Frame): { topic: string; packetId: number; qos: number; payload: Buffer } {
  const qos = (f.flags >> 1) & 3;
  const tlen = f.body.readUInt16BE(0);
  const topic = f.body.toString("utf8", 2, 2 + tlen);
  let p = 2 + tlen;
  let packetId = 0;
  if (qos > 0) {
    packetId = f.body.readUInt16BE(p);
    p += 2;
  }
  return { topic, packetId, qos, payload: f.body.subarray(p) };
}
