/**
 * Wrong-password CONNECTs at a steady rate from one source address, round-robin over device ids
 * that exist (raw sockets, CONNECT built with mqtt-packet): what a guesser, or a fleet given the
 * wrong secrets, looks like on the wire. A new guess each time, so that no two checks are the same.
 */
import { rawConnect, type ConnectResult } from "../../helpers/raw-connect";

export interface WrongPasswordFlood {
  sent: number;
  results: Map<ConnectResult, number>;
  finished: Promise<void>;
}

/** Sockets open at once, at most (each is two file descriptors in this process). */
const MAX_OPEN = 2_000;

export function wrongPasswordFlood(o: { port: number; source: string; ids: string[]; perSecond: number; seconds: number }): WrongPasswordFlood {
  const f: WrongPasswordFlood = { sent: 0, results: new Map(), finished: Promise.resolve() };
  const total = Math.round(o.perSecond * o.seconds);
  const open = new Set<Promise<void>>();
  const t0 = performance.now();
  f.finished = new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * o.perSecond));
      while (f.sent < due && open.size < MAX_OPEN) {
        const n = f.sent++;
        const attempt = rawConnect({ port: o.port, localAddress: o.source, id: o.ids[n % o.ids.length]!, password: `guess-${n}-${Math.random()}` }).then((r) => {
          f.results.set(r, (f.results.get(r) ?? 0) + 1);
          open.delete(attempt);
        });
        open.add(attempt);
      }
      if (f.sent >= total) {
        clearInterval(tick);
        void Promise.all(open).then(() => resolve());
      }
    }, 10);
  });
  return f;
}
