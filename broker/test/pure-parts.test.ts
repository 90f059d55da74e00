/** The broker's pure parts, without sockets: ACL decisions, token bucket, frame scanner. */
import { topics } from "@helpkey/shared";
import { describe, expect, it } from "vitest";
import { publishDenial, subscribeDenial } from "../src/acl";
import { FrameScanner, publishPacketBytes } from "../src/packet-size";
import { RateLimiter } from "../src/rate-limiter";
import type { Identity } from "../src/types";

const device: Identity = { role: "device", deviceId: "dev-a" };
const service: Identity = { role: "service", name: "gateway" };

describe("acl", () => {
  it("lets a device publish only its own alarm and status, retained only on status", () => {
    expect(publishDenial(device, topics.alarm("dev-a"), false)).toBeNull();
    expect(publishDenial(device, topics.status("dev-a"), true)).toBeNull();
    expect(publishDenial(device, topics.alarm("dev-a"), true)).not.toBeNull();
    expect(publishDenial(device, topics.alarm("dev-b"), false)).not.toBeNull();
    expect(publishDenial(device, topics.ack("dev-a"), false)).not.toBeNull();
    expect(publishDenial(device, "elsewhere", false)).not.toBeNull();
    expect(publishDenial(undefined, topics.alarm("dev-a"), false)).not.toBeNull();
  });

  it("lets a device subscribe only its own ack and cmd, without wildcards", () => {
    expect(subscribeDenial(device, topics.ack("dev-a"))).toBeNull();
    expect(subscribeDenial(device, topics.cmd("dev-a"))).toBeNull();
    expect(subscribeDenial(device, topics.ack("dev-b"))).not.toBeNull();
    expect(subscribeDenial(device, topics.alarm("dev-a"))).not.toBeNull();
    expect(subscribeDenial(device, topics.allAlarms)).not.toBeNull();
    expect(subscribeDenial(device, "#")).not.toBeNull();
  });

  it("lets a service use any topic except the server's $ topics", () => {
    expect(publishDenial(service, topics.ack("dev-a"), false)).toBeNull();
    expect(publishDenial(service, "$SYS/x", false)).not.toBeNull();
    expect(subscribeDenial(service, "#")).toBeNull();
  });
});

describe("RateLimiter", () => {
  it("allows a burst, then refills at the rate", () => {
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 });
    expect([1, 2, 3, 4].map(() => limiter.take("d", 0))).toEqual([true, true, true, false]);
    expect(limiter.take("d", 400)).toBe(false);
    expect(limiter.take("d", 500)).toBe(true);
    expect(limiter.take("other", 500)).toBe(true);
  });

  it("forgets only buckets that have refilled completely", () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 2 });
    limiter.take("busy", 0);
    limiter.take("busy", 0);
    limiter.take("idle", 0);
    limiter.sweep(1_000);
    expect(limiter.size()).toBe(1);
    limiter.sweep(2_000);
    expect(limiter.size()).toBe(0);
  });
});

describe("FrameScanner", () => {
  it("finds an oversize announcement after small packets, across chunk boundaries", () => {
    const scanner = new FrameScanner(100);
    // PINGREQ, a 3-byte-body packet split over two chunks, then a header announcing 200 bytes in two length bytes
    expect(scanner.feed(Buffer.from([0xc0, 0x00, 0x30, 0x03, 0x00]))).toBeNull();
    expect(scanner.feed(Buffer.from([0x01, 0x61, 0x30, 0xc8]))).toBeNull();
    expect(scanner.feed(Buffer.from([0x01]))).toBe(1 + 2 + 200);
  });

  it("counts the fixed header in the limit", () => {
    expect(new FrameScanner(100).feed(Buffer.from([0x30, 98]))).toBeNull();
    expect(new FrameScanner(100).feed(Buffer.from([0x30, 99]))).toBe(101);
  });

  it("sizes a PUBLISH as it is on the wire", () => {
    const packet = { cmd: "publish", topic: "a/b", payload: Buffer.alloc(200), qos: 1, retain: false, dup: false } as const;
    // 1 + 2 (remaining length 207) + 2 + 3 + 2 + 200
    expect(publishPacketBytes(packet)).toBe(210);
  });
});
