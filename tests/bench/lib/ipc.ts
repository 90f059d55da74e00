/** A forked child and its IPC channel: typed send, wait for a message, clock offset. */
import type { ChildProcess } from "node:child_process";
import { hrNow } from "@helpkey/firmware-sim/fleet/light-device";

export class Child<Cmd extends { t: string }, Ev extends { t: string }> {
  /** child clock − our clock, ms (hrNow() in both; measured, expected to be ~0). */
  offsetMs = 0;
  constructor(readonly name: string, readonly cp: ChildProcess) {}

  send(cmd: Cmd): void {
    if (this.cp.connected) this.cp.send(cmd);
  }

  on(fn: (e: Ev) => void): void {
    this.cp.on("message", (m) => fn(m as Ev));
  }

  next<T extends Ev["t"]>(t: T, timeoutMs = 60_000, pred: (e: Extract<Ev, { t: T }>) => boolean = () => true): Promise<Extract<Ev, { t: T }>> {
    return new Promise((resolve, reject) => {
      const onMsg = (m: unknown) => {
        const e = m as Ev;
        if (e.t === t && pred(e as Extract<Ev, { t: T }>)) {
          done();
          resolve(e as Extract<Ev, { t: T }>);
        }
      };
      const onExit = (code: number | null) => {
        done();
        reject(new Error(`${this.name} exited (${code}) while waiting for "${t}"`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name}: no "${t}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.cp.off("message", onMsg);
        this.cp.off("exit", onExit);
      };
      this.cp.on("message", onMsg);
      this.cp.once("exit", onExit);
    });
  }

  /** Ping-pong over IPC; the offset of the fastest exchange (its error is at most half its round trip). */
  async calibrate(rounds = 15): Promise<{ offsetMs: number; rttMs: number }> {
    let best = { offsetMs: 0, rttMs: Infinity };
    for (let id = 1; id <= rounds; id++) {
      const t0 = hrNow();
      this.send({ t: "clock", id } as unknown as Cmd);
      const r = (await this.next("clock" as Ev["t"], 5_000, (e) => (e as unknown as { id: number }).id === id)) as unknown as { now: number };
      const t1 = hrNow();
      if (t1 - t0 < best.rttMs) best = { offsetMs: r.now - (t0 + t1) / 2, rttMs: t1 - t0 };
    }
    this.offsetMs = best.offsetMs;
    return best;
  }

  /** A child's time on our clock. */
  local(t: number): number {
    return t - this.offsetMs;
  }
}
