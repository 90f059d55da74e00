/**
 * A device's secret is checked at CONNECT and then let go (stored only as a slow hash).
 * mqtt-packet parses without copying, so whatever the broker keeps from a device's packets (its
 * Last Will, its retained status) must not be a view into the bytes that also carried the password.
 */
import { connect } from "node:net";
import { topics } from "@helpkey/shared";
import { generate } from "mqtt-packet";
import { afterEach, describe, expect, it, vi } from "vitest";
import { closeAll, SECRETS, startBroker } from "./support";

afterEach(closeAll);

/** aedes' persistence, where retained messages live (its typings leave it out). */
const retainedStore = (aedes: unknown) =>
  (aedes as { persistence: { createRetainedStream(pattern: string): AsyncIterable<{ payload: Buffer }> } }).persistence;
/** Everything the memory behind `payload` holds, not only the payload's own bytes. */
const backing = (payload: Buffer) => Buffer.from(payload.buffer, 0, payload.buffer.byteLength);
/** The payload owns its memory: nothing else (a CONNECT, a pool of other buffers) is kept with it. */
const ownsItsBytes = (payload: Buffer) => payload.byteOffset === 0 && payload.buffer.byteLength === payload.length;

describe("a device's secret is not kept after its CONNECT", () => {
  it("the Last Will the broker holds is a copy, not a view into the CONNECT", async () => {
    const h = await startBroker();
    await h.device("dev-a", { will: { topic: topics.status("dev-a"), payload: Buffer.from('{"online":false}'), qos: 1, retain: true } });
    const client = (h.broker.aedes as unknown as { clients: Record<string, { will: { payload: Buffer } | null }> }).clients["dev-a"]!;
    expect(client.will!.payload.toString()).toBe('{"online":false}');
    expect(ownsItsBytes(client.will!.payload)).toBe(true);
    expect(backing(client.will!.payload).includes(SECRETS["dev-a"]!)).toBe(false);
  });

  it("a retained status that came in the same read as the CONNECT is stored as a copy", async () => {
    const h = await startBroker();
    const socket = connect({ host: "127.0.0.1", port: h.broker.port });
    const acked = new Promise<void>((resolve, reject) => {
      let seen = Buffer.alloc(0);
      socket.on("data", (d: Buffer) => {
        seen = Buffer.concat([seen, d]);
        // CONNACK accepted (0x20 0x02 0x00 0x00), then the status's PUBACK (0x40 0x02 0x00 0x01)
        if (seen.includes(Buffer.from([0x40, 0x02, 0x00, 0x01]))) resolve();
      });
      socket.on("close", () => reject(new Error("the broker closed the connection")));
    });
    socket.on("error", () => undefined);
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    // one write, as firmware that does not wait for the CONNACK sends them: one read at the broker
    socket.write(Buffer.concat([
      generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, keepalive: 60, clientId: "dev-a", username: "dev-a", password: Buffer.from(SECRETS["dev-a"]!) }),
      generate({ cmd: "publish", topic: topics.status("dev-a"), payload: Buffer.from('{"online":true}'), qos: 1, messageId: 1, retain: true, dup: false }),
    ]));
    try {
      await acked;
      const stored: Buffer[] = [];
      await vi.waitFor(async () => {
        stored.length = 0;
        for await (const p of retainedStore(h.broker.aedes).createRetainedStream(topics.status("dev-a"))) stored.push(p.payload);
        expect(stored.map(String)).toEqual(['{"online":true}']);
      });
      expect(ownsItsBytes(stored[0]!)).toBe(true);
      expect(backing(stored[0]!).includes(SECRETS["dev-a"]!)).toBe(false);
    } finally {
      socket.destroy();
    }
  });
});
