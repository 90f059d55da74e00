/**
 * Long work on the event loop in slices: the returned function gives the turn back (to the broker's
 * acks, timers, I/O) once `budgetMs` have passed since the last time it did, and is free otherwise.
 * Call it between units of work: `for (const row of rows) { await slice(); … }`.
 */
import { setImmediate as nextTurn } from "node:timers/promises";

export type Slice = () => Promise<void> | undefined;

export function timeSlicer(budgetMs: number): Slice {
  let since = performance.now();
  return () => {
    if (performance.now() - since < budgetMs) return undefined;
    return nextTurn().then(() => {
      since = performance.now();
    });
  };
}
