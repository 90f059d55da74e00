/**
 * What stands between a login flood and the people who need to log in (docs/security.md):
 * - per source address, a request budget on `POST /api/session` (@fastify/rate-limit, its store an
 *   LRU of RATE_LIMIT_CLIENTS addresses): a flood from one host is refused before any hashing;
 * - per (username, source address), a lock after MAX_FAILURES wrong passwords in WINDOW_MS: a guesser
 *   locks only their own door, never the dispatcher at her desk;
 * - the password hash runs on the hash pool's bounded password lane (devices/hash-pool.ts): when it
 *   is full the login is refused at once (503), so neither the event loop nor the WAL fsync waits.
 */
import { LRUCache } from "lru-cache";

/** Login requests one source address may make per minute (wrong or right). */
export const LOGIN_REQUESTS_PER_MINUTE = 30;
/** Source addresses whose login budget is remembered at once (least recently seen forgotten first). */
export const RATE_LIMIT_CLIENTS = 10_000;

const MAX_FAILURES = 5;
const WINDOW_MS = 10 * 60_000;
/** (username, source) pairs remembered at once: a flood of made-up usernames cannot grow it further. */
const MAX_PAIRS = 10_000;

export class LoginGuard {
  private readonly failures = new LRUCache<string, number[]>({ max: MAX_PAIRS });

  private static key(username: string, source: string): string {
    return `${username.toLowerCase()}\n${source}`;
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
  }

  /** Milliseconds until this source may try this username again, 0 when it may now. */
  blockedFor(username: string, source: string, now: number): number {
    const list = this.recent(LoginGuard.key(username, source), now);
    return list.length >= MAX_FAILURES ? WINDOW_MS - (now - list[0]!) : 0;
  }

  fail(username: string, source: string, now: number): void {
    const key = LoginGuard.key(username, source);
    this.failures.set(key, [...this.recent(key, now), now].slice(-MAX_FAILURES));
  }

  succeed(username: string, source: string): void {
    this.failures.delete(LoginGuard.key(username, source));
  }

  /** Entries held now (for /metrics). */
  size(): number {
    return this.failures.size;
  }
}
