/**
 * Slows password guessing: after 5 failed logins for one username within 10 minutes, further tries
 * are refused until the window passes. In memory on purpose: a restart forgets, which only helps a
 * locked-out dispatcher, and the scrypt cost (~30 ms a try) still bounds an attacker.
 */
const MAX_FAILURES = 5;
const WINDOW_MS = 10 * 60_000;

export class LoginThrottle {
  private failures = new Map<string, number[]>();

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Milliseconds until another try is allowed, 0 when allowed now. */
  blockedFor(username: string, now: number): number {
    const list = this.recent(username.toLowerCase(), now);
    return list.length >= MAX_FAILURES ? WINDOW_MS - (now - list[0]!) : 0;
  }

  fail(username: string, now: number): void {
    const key = username.toLowerCase();
    this.failures.set(key, [...this.recent(key, now), now]);
  }

  succeed(username: string): void {
    this.failures.delete(username.toLowerCase());
  }
}
