/**
 * The outbox's pure decisions about the provider's limits: who a request goes out from and when
 * (SenderPool), when a channel pauses after "too many requests" (ChannelPause, classifyError), and
 * which live-call requests a set of effects asks for (controlRequests).
 */
import { describe, expect, it } from "vitest";
import { controlRequests } from "../src/notify/call-control";
import { classifyError } from "../src/notify/phone-channel";
import { backoffMs } from "@helpkey/shared/backoff";
import { ChannelPause, ROW_RETRY } from "../src/notify/retry-timing";
import { SenderPool } from "../src/notify/sender-pool";

const A = "+15550000001";
const B = "+15550000002";
const C = "+15550000003";

/** Senders handed out at each ms of `times` (null: none may send then), taking as many as allowed. */
function drain(pool: SenderPool, times: number[]): (string | null)[][] {
  return times.map((t) => {
    const out: (string | null)[] = [];
    for (let s = pool.take(t); s !== null; s = pool.take(t)) out.push(s);
    return out;
  });
}

describe("SenderPool", () => {
  it("rotates through the From numbers, each at its own rate", () => {
    const pool = new SenderPool({ senders: [A, B, C], perSecond: 1 }, 0);
    expect(pool.available(0)).toBe(3);
    // one each at once, then one each a second later, always in turn
    expect(drain(pool, [0, 500, 1000, 2000])).toEqual([[A, B, C], [], [A, B, C], [A, B, C]]);
    expect(pool.ratePerSecond).toBe(3);
  });

  it("a sender that just sent waits its own second while the others go on", () => {
    const pool = new SenderPool({ senders: [A, B], perSecond: 1 }, 0);
    expect(pool.take(0)).toBe(A);
    expect(pool.take(600)).toBe(B);
    expect(pool.take(900)).toBeNull(); // A refills at 1000, B at 1600
    expect(pool.waitMs(900)).toBe(100);
    expect(pool.take(1000)).toBe(A);
    expect(pool.take(1000)).toBeNull();
    expect(pool.take(1600)).toBe(B);
  });

  it("calls: the From numbers in turn on one bucket for the account", () => {
    const pool = new SenderPool({ senders: [A, B, C], perSecond: 1, shared: true }, 0);
    expect(drain(pool, [0, 999, 1000, 2000, 3000])).toEqual([[A], [], [B], [C], [A]]);
    expect(pool.ratePerSecond).toBe(1);
  });

  it("a Messaging Service is one sender at the pool's rate", () => {
    const mg = "MG00000000000000000000000000000001";
    const pool = new SenderPool({ senders: [mg], perSecond: 1 * 10 }, 0);
    expect(drain(pool, [0])[0]).toHaveLength(10);
    expect(drain(pool, [100])[0]).toEqual([mg]);
    expect(pool.ratePerSecond).toBe(10);
  });
});

describe("ChannelPause", () => {
  const backoff = (strike: number) => 1000 * 2 ** (strike - 1);

  it("pauses from each congestion, longer each time, until a request goes through", () => {
    const p = new ChannelPause();
    expect(p.waitMs(0)).toBe(0);
    expect(p.congested(0, backoff)).toBe(1000);
    expect(p.waitMs(400)).toBe(600);
    expect(p.congested(1000, backoff)).toBe(3000);
    expect(p.congested(3000, backoff)).toBe(7000);
    p.relieved();
    expect(p.congested(7000, backoff)).toBe(8000);
  });

  it("probes with one request at a time from the first congestion until a request goes through", () => {
    const p = new ChannelPause();
    expect(p.probing).toBe(false);
    p.congested(0, backoff);
    expect(p.probing).toBe(true);
    expect(p.waitMs(1000)).toBe(0); // the pause is over, the channel still probes
    expect(p.probing).toBe(true);
    p.relieved();
    expect(p.probing).toBe(false);
  });

  it("never shortens a pause already running", () => {
    const p = new ChannelPause();
    p.congested(0, () => 5000);
    expect(p.congested(100, () => 1000)).toBe(5000);
  });

  it("by default pauses on the rows' retry schedule", () => {
    const p = new ChannelPause();
    const first = p.congested(0);
    expect(first).toBeGreaterThanOrEqual(500);
    expect(first).toBeLessThanOrEqual(1000);
    expect(p.congested(first) - first).toBeGreaterThanOrEqual(1000);
  });
});

describe("ROW_RETRY", () => {
  it("waits 1, 2, 4 … s capped at 30 s after a failed attempt, each between half and all of it", () => {
    const attempts = [1, 2, 3, 4, 5, 6, 12];
    expect(attempts.map((n) => backoffMs(n, ROW_RETRY, () => 0))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(attempts.map((n) => backoffMs(n, ROW_RETRY, () => 1 - Number.EPSILON))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000]);
  });
});

describe("classifyError", () => {
  it("429 and 20429 are congestion (the account), 5xx and network errors are transient (the row), 4xx permanent", () => {
    expect(classifyError({ status: 429, code: 20429, message: "Too Many Requests" })).toMatchObject({ transient: true, congested: true });
    expect(classifyError({ status: 503, code: 20429, message: "x" })).toMatchObject({ transient: true, congested: true });
    expect(classifyError({ status: 503, code: 20500, message: "Service Unavailable" })).toMatchObject({ transient: true, congested: false });
    expect(classifyError(new Error("ECONNRESET"))).toMatchObject({ transient: true, congested: false });
    expect(classifyError({ status: 400, code: 21211, message: "invalid To" })).toMatchObject({ transient: false, congested: false });
  });
});

describe("controlRequests", () => {
  it("one request per call; a message before the hang-up wins over a bare hang-up", () => {
    const r = controlRequests({ cancelCalls: ["CA1", "CA2", "CA1"], endCalls: [{ sid: "CA2", text: "Wang is going", language: "en" }] });
    expect(r.map((x) => [x.sid, x.twiml === null ? "hangup" : "say"])).toEqual([["CA2", "say"], ["CA1", "hangup"]]);
    expect(r[0]!.twiml).toContain("Wang is going");
    expect(r[0]!.twiml).toContain("<Hangup");
  });
});
