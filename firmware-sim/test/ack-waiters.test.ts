/**
 * Waiting for an ack state: a later state of the progress order satisfies an earlier one (it also says the
 * press is stored), an earlier one never satisfies a later one, and `cancelled` matches only itself.
 */
import { describe, expect, it } from "vitest";
import type { AckPayload } from "@helpkey/shared";
import { AckTimeoutError, AckWaiters } from "../src/ack-waiters";

const ack = (seq: number, state: AckPayload["state"]): AckPayload => ({ seq, alertId: 7, state });

describe("AckWaiters", () => {
  it("resolves a wait for received with a later state, from history or still to come", async () => {
    const w = new AckWaiters();
    w.record(ack(1, "acknowledged"));
    expect(await w.wait(1, "received", 1_000)).toMatchObject({ state: "acknowledged" });
    const later = w.wait(2, "received", 1_000);
    w.record(ack(2, "responding"));
    expect(await later).toMatchObject({ seq: 2, state: "responding" });
  });

  it("does not resolve a wait for a later state with an earlier one, nor another seq's ack", async () => {
    const w = new AckWaiters();
    const acked = w.wait(3, "acknowledged", 60_000);
    w.record(ack(3, "received"));
    w.record(ack(4, "acknowledged"));
    // the barrier: the same seq's acknowledged arrives after the earlier ack and the other seq's
    w.record(ack(3, "resolved"));
    expect(await acked).toMatchObject({ seq: 3, state: "resolved" });
  });

  it("keeps cancelled apart: it satisfies neither received nor acknowledged, and only itself", async () => {
    const w = new AckWaiters();
    w.record(ack(5, "cancelled"));
    await expect(w.wait(5, "received", 20)).rejects.toBeInstanceOf(AckTimeoutError);
    await expect(w.wait(5, "acknowledged", 20)).rejects.toBeInstanceOf(AckTimeoutError);
    expect(await w.wait(5, "cancelled", 1_000)).toMatchObject({ state: "cancelled" });
    w.record(ack(6, "resolved"));
    await expect(w.wait(6, "cancelled", 20)).rejects.toBeInstanceOf(AckTimeoutError);
  });
});
