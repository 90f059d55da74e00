/** A console WebSocket client that records every frame it receives. */
import WebSocket from "ws";
import { consoleFrameSchema, type ConsoleFrame } from "@helpkey/shared";
import { ADMIN_TOKEN } from "./system";

export interface ConsoleClient {
  frames: ConsoleFrame[];
  lastN(): number;
  waitFor(pred: (f: ConsoleFrame) => boolean, timeoutMs?: number): Promise<ConsoleFrame>;
  /** Resolves when the server (or close()) ends the socket, with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

/** With `cookie`, as a logged-in console user; otherwise with the admin token in the query. */
export async function openConsole(httpUrl: string, opts: { since?: number; token?: string; cookie?: string } = {}): Promise<ConsoleClient> {
  const q = new URLSearchParams({ ...(opts.cookie ? {} : { token: opts.token ?? ADMIN_TOKEN }), ...(opts.since !== undefined ? { since: String(opts.since) } : {}) });
  const ws = new WebSocket(`${httpUrl.replace(/^http/, "ws")}/api/console?${q}`, opts.cookie ? { headers: { cookie: opts.cookie } } : {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: String(reason) })));
  const frames: ConsoleFrame[] = [];
  const waiters = new Set<() => void>();
  ws.on("message", (data) => {
    // Every frame must match the shared schema: the console trusts nothing else.
    frames.push(consoleFrameSchema.parse(JSON.parse(String(data))));
    for (const w of waiters) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) => reject(new Error(`console refused: HTTP ${res.statusCode}`)));
  });
  return {
    frames,
    closed,
    lastN: () => frames.reduce((m, f) => Math.max(m, f.n), 0),
    waitFor(pred, timeoutMs = 5000) {
      const found = frames.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const check = () => {
          const f = frames.find(pred);
          if (f) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(f);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`console: no matching frame in ${timeoutMs} ms (got ${frames.map((f) => f.type).join(", ")})`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === ws.CLOSED) return resolve();
        ws.once("close", () => resolve());
        ws.close();
      }),
  };
}
