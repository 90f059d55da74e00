import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { registerGcPauses } from "../src/gc-pauses";

const stats = async (registry: Registry) => {
  const values = (await registry.getSingleMetric("t_gc_pause_seconds")!.get()).values;
  return Object.fromEntries(values.map((v) => [v.labels.stat, v.value])) as { count: number; total: number; max: number };
};

describe("GC pauses metric", () => {
  it("counts this thread's collections since the previous scrape, with their total and the longest", async () => {
    const registry = new Registry();
    registerGcPauses(registry, "t_gc_pause_seconds", "the test");
    await stats(registry); // a fresh window
    // short-lived garbage, kept just long enough that it cannot be optimized away: many young-generation collections
    const ring: number[][] = new Array(1000);
    for (let i = 0; i < 2_000_000; i++) ring[i % 1000] = new Array(16).fill(i);
    await new Promise((r) => setTimeout(r, 50)); // GC entries reach observers asynchronously
    const first = await stats(registry);
    expect(first.count).toBeGreaterThan(0);
    expect(first.max).toBeGreaterThan(0);
    expect(first.total).toBeGreaterThanOrEqual(first.max);
    // the scrape started a new window: the collections above are not counted again
    const second = await stats(registry);
    expect(second.count).toBeLessThan(first.count);
  });

  it("registers once per registry", () => {
    const registry = new Registry();
    registerGcPauses(registry, "t_gc_pause_seconds", "the test");
    registerGcPauses(registry, "t_gc_pause_seconds", "the test");
    expect(registry.getMetricsAsArray()).toHaveLength(1);
  });
});
