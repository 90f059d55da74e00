/**
 * Work that runs once at the end of an event-loop turn, after the turn's I/O callbacks, in a fixed
 * order: the ingest's group commit first, then the webhooks' and the outbox's. The acks and console
 * frames of a turn's presses wait for the WAL fsync that starts after the ingest's commit; with the
 * ingest first, that fsync is under way while the other commits run, instead of starting after them.
 * Each system owns one (system.ts): its lanes are ordered among themselves, never behind another's.
 */
const LANES = ["ingest", "writes", "outbox"] as const;
export type Lane = (typeof LANES)[number];

export interface TurnEnd {
  /** Runs `fn` at the end of this turn, in `lane`'s place; the same `fn` twice in a turn runs once. */
  at(lane: Lane, fn: () => void): void;
}

export function createTurnEnd(): TurnEnd {
  const queued = new Map<Lane, Set<() => void>>(LANES.map((lane) => [lane, new Set()]));
  let scheduled = false;

  const run = (): void => {
    scheduled = false;
    for (const lane of LANES) {
      const fns = queued.get(lane)!;
      if (fns.size === 0) continue;
      const now = [...fns];
      fns.clear();
      for (const fn of now) {
        try {
          fn();
        } catch (err) {
          // as if it had been its own setImmediate: the error surfaces, the other lanes still run
          setImmediate(() => {
            throw err;
          });
        }
      }
    }
  };

  return {
    at(lane, fn) {
      queued.get(lane)!.add(fn);
      if (!scheduled) {
        scheduled = true;
        setImmediate(run);
      }
    },
  };
}
