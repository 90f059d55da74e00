import { describe, expect, it } from "vitest";
import { SessionQueue, topicMatches } from "../src/offline-queue";

const pkt = (brokerCounter: number, messageId?: number) => ({ brokerId: "b", brokerCounter, messageId, topic: "t", payload: Buffer.from("x") });

describe("session queue (O(1) replacement of aedes-persistence's array)", () => {
  it("keeps arrival order, assigns packet ids and clears by packet id", () => {
    const q = new SessionQueue();
    q.add(pkt(1));
    q.add(pkt(2));
    q.add(pkt(3));
    expect(q.assign(pkt(2, 7))).toBe(true);
    expect(q.assign(pkt(9, 8))).toBe(false); // never queued: aedes gets "no such packet"
    expect(q.clear(7)?.brokerCounter).toBe(2);
    expect(q.clear(7)).toBeUndefined();
    expect(q.snapshot().map((p) => p.brokerCounter)).toEqual([1, 3]);
    expect(q.size).toBe(2);
  });

  it("a re-sent packet gets a new packet id; the old one no longer clears it", () => {
    const q = new SessionQueue();
    q.add(pkt(1));
    q.assign(pkt(1, 5));
    q.assign(pkt(1, 6));
    expect(q.clear(5)).toBeUndefined();
    expect(q.clear(6)?.brokerCounter).toBe(1);
  });
});

describe("topic filters for retained lookups [MQTT-4.7]", () => {
  it.each([
    ["hk/v1/dev/+/status", "hk/v1/dev/a/status", true],
    ["hk/v1/dev/+/status", "hk/v1/dev/a/alarm", false],
    ["hk/#", "hk/v1/dev/a/status", true],
    ["hk/#", "hk", true],
    ["#", "$SYS/x", false],
    ["hk/v1/dev/a/ack", "hk/v1/dev/a/ack", true],
    ["hk/+", "hk/a/b", false],
  ])("%s vs %s → %s", (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});
