/** The storm-reach bench's arithmetic: order checks, rank correlation, waves. */
import { describe, expect, it } from "vitest";
import { priorityOrder, spearman, waves, type AlertReach } from "./lib/reach-analysis";

const alert = (priority: number, pressAt: number, servedAt: number): AlertReach => ({ kind: "x", priority, pressAt, firstSmsAt: servedAt, firstCallAt: servedAt, callable: true });

describe("priorityOrder", () => {
  it("counts a more urgent alarm pressed no later but served later, beyond the tolerance", () => {
    const a = [alert(1, 0, 500), alert(3, 0, 100), alert(3, 10, 900), alert(1, 20, 950)];
    // pairs: (fire@0, emerg@0), (fire@0, emerg@10) and (fire@20 vs nothing pressed later of lower priority... none)
    expect(priorityOrder(a, (x) => x.firstCallAt, 0)).toEqual({ pairs: 2, inversions: 1 });
    expect(priorityOrder(a, (x) => x.firstCallAt, 500)).toEqual({ pairs: 2, inversions: 0 });
  });
});

describe("spearman", () => {
  it("is 1 for the same order, -1 for the reverse, and averages ties", () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
    expect(spearman([1, 1, 2, 2], [1, 2, 3, 4])).toBeCloseTo(0.894, 3);
    expect(spearman([1, 1], [1, 2])).toBeNull();
  });
});

describe("waves", () => {
  it("finds when the last alert's first contact was called, and later-wave calls before it", () => {
    const w = waves([
      { alert: 0, contact: 1, at: 0 }, { alert: 1, contact: 1, at: 10 }, { alert: 0, contact: 2, at: 5 }, { alert: 0, contact: 1, at: 20 },
    ], 2);
    expect(w).toEqual({ lastFirstWaveAt: 10, firstLaterAt: 5, laterBeforeLastFirst: 1, firstWaveCalled: 2 });
    expect(waves([{ alert: 0, contact: 1, at: 0 }], 2).lastFirstWaveAt).toBeNull();
  });
});
