/**
 * Group commit for the writers beside the ingest: the Twilio webhooks and the outbox's provider
 * replies. Committed one by one, a storm's thousands of COMMITs a second would each write the same
 * hot pages (the events and notifications tables and their indexes) to the WAL again, on the one
 * thread that also acks. Here every job queued in one event-loop turn is committed together
 * (commit-each.ts), after the ingest's (the system's turn-end.ts): one job's error rolls back that
 * job only and rejects its promise; the others commit.
 */
import type { Db } from "../db/open";
import { commitEach } from "./commit-each";
import type { TurnEnd } from "./turn-end";

interface Job {
  fn: () => unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export class WriteBatch {
  private jobs: Job[] = [];
  private scheduled = false;
  constructor(
    private readonly db: Db,
    private readonly turnEnd: TurnEnd,
  ) {}

  /** Runs `fn` inside the turn's transaction; resolves with its result once that has committed. */
  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        this.turnEnd.at("writes", this.flush);
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
