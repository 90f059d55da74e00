/**
 * Group commit for the writers beside the ingest (issue 4): the Twilio webhooks and the outbox's
 * provider replies. Each used to commit on its own: at 1,000 presses/s that was thousands of
 * COMMITs a second, each writing the same hot pages (the events and notifications tables and
 * their indexes) to the WAL again, on the one thread that also acks (bench profile: the webhooks'
 * commits alone were the largest single item). Here every job queued in one event-loop turn is
 * committed together (commit-each.ts), after the ingest's (turn-end.ts): one job's error rolls back
 * that job only and rejects its promise; the others commit.
 */
import type { Db } from "../db/open";
import { commitEach } from "./commit-each";
import { atTurnEnd } from "./turn-end";

interface Job {
  fn: () => unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export class WriteBatch {
  private jobs: Job[] = [];
  private scheduled = false;
  constructor(private readonly db: Db) {}

  /** Runs `fn` inside the turn's transaction; resolves with its result once that has committed. */
  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        atTurnEnd("writes", this.flush);
      }
    });
  }

  flush = (): void => {
    this.scheduled = false;
    const jobs = this.jobs;
    this.jobs = [];
    if (jobs.length === 0) return;
    let results;
    try {
      results = commitEach(this.db, jobs, (job) => job.fn());
    } catch (err) {
      // the commit itself failed (disk full, busy): nothing of this turn is stored
      for (const job of jobs) job.reject(err);
      return;
    }
    results.forEach((r, i) => (r.ok ? jobs[i]!.resolve(r.value) : jobs[i]!.reject(r.error)));
  };
}
