/**
 * Maximum packet size. aedes 1.2 has no option for it, and mqtt-packet 9's
 * parser (created by aedes without options) buffers a packet of whatever
 * length its fixed header announces, up to 256 MB [MQTT-2.2.3], before
 * handing it over. So the limit is enforced in two places:
 *
 * 1. `guardPacketSize` reads the fixed header of every packet as the bytes
 *    arrive and closes the connection as soon as one announces more than the
 *    limit, before its body is buffered. It taps the `data` event: aedes reads
 *    the socket in paused mode (`readable` + `read()`), and Node then emits
 *    `data` for each chunk that `read()` returns, before aedes parses it.
 * 2. `publishPacketBytes` lets authorizePublish refuse an oversize PUBLISH
 *    that arrived whole in the chunk the guard was looking at (the guard
 *    closes the socket, but aedes still parses what `read()` returned).
 *
 * Sizes are of the whole packet, fixed header included (as MQTT 5's Maximum
 * Packet Size, and shared's MAX_PACKET_BYTES, count them).
 */
import type { Duplex } from "node:stream";
import type { PublishPacket } from "aedes";

type Phase = "header" | "length" | "body" | "stopped";

/** Follows packet boundaries in a byte stream, reading only fixed headers. */
export class FrameScanner {
  readonly #maxBytes: number;
  #phase: Phase = "header";
  #value = 0;
  #multiplier = 1;
  #lengthBytes = 0;
  #remaining = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** The size of the first packet in `chunk` announced over the limit, or null. */
  feed(chunk: Buffer): number | null {
    let i = 0;
    while (i < chunk.length && this.#phase !== "stopped") {
      if (this.#phase === "header") {
        // byte 1: packet type and flags [MQTT-2.2.1]
        this.#phase = "length";
        this.#value = 0;
        this.#multiplier = 1;
        this.#lengthBytes = 0;
        i += 1;
      } else if (this.#phase === "length") {
        // Remaining Length: 1 to 4 bytes, 7 bits each, low first [MQTT-2.2.3]
        const byte = chunk[i]!;
        i += 1;
        this.#value += (byte & 0x7f) * this.#multiplier;
        this.#multiplier *= 128;
        this.#lengthBytes += 1;
        if ((byte & 0x80) === 0) {
          const total = 1 + this.#lengthBytes + this.#value;
          if (total > this.#maxBytes) return total;
          this.#remaining = this.#value;
          this.#phase = this.#remaining > 0 ? "body" : "header";
        } else if (this.#lengthBytes === 4) {
          // malformed: mqtt-packet reports it and aedes closes the connection
          this.#phase = "stopped";
        }
      } else {
        const skip = Math.min(this.#remaining, chunk.length - i);
        i += skip;
        this.#remaining -= skip;
        if (this.#remaining === 0) this.#phase = "header";
      }
    }
    return null;
  }
}

/** Destroys `conn` as soon as a packet over `maxBytes` is announced on it. Attach before any data is read. */
export function guardPacketSize(conn: Duplex, maxBytes: number, onOversize: (bytes: number) => void): void {
  const scanner = new FrameScanner(maxBytes);
  const tap = (chunk: Buffer): void => {
    const bytes = scanner.feed(chunk);
    if (bytes === null) return;
    conn.off("data", tap);
    onOversize(bytes);
    conn.destroy();
  };
  conn.on("data", tap);
  conn.once("close", () => conn.off("data", tap));
}

/** The size of a PUBLISH on the wire in MQTT 3.1.1 [MQTT-3.3.2], [MQTT-3.3.3]. */
export function publishPacketBytes(packet: PublishPacket): number {
  const payload = typeof packet.payload === "string" ? Buffer.byteLength(packet.payload) : packet.payload.length;
  const remaining = 2 + Buffer.byteLength(packet.topic) + (packet.qos > 0 ? 2 : 0) + payload;
  const lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
  return 1 + lengthBytes + remaining;
}
