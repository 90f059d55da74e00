/**
 * The console's one WebSocket: numbered events, resumable. After a drop or a
 * gateway restart it reconnects by itself with `?since=<last number seen>` and the gateway replays
 * exactly what was missed (or sends a fresh snapshot when too much was). Backoff with jitter, so a
 * centre's consoles do not all knock at once when the gateway comes back.
 *
 * A dropped network does not always close a socket (a half-open TCP connection looks alive for
 * minutes), and a console that silently stops updating is the worst failure it can have. So a
 * watchdog asks the gateway every few seconds for the newest event number this user may see; when
 * the socket stays behind it, or the gateway cannot be reached, the socket is replaced.
 */
import type { ConsoleFrame } from "@helpkey/shared";
import { api } from "./api";
import { store } from "./store";

type Status = "connecting" | "live" | "offline";
const WATCHDOG_MS = 4000;
let ws: WebSocket | null = null;
let retryMs = 250;
let timer: ReturnType<typeof setTimeout> | null = null;
let watchdog: ReturnType<typeof setInterval> | null = null;
/** The newest number the gateway reported at the previous check while the socket was behind it. */
let behind: number | null = null;
let stopped = true;
const statusListeners = new Set<(s: Status) => void>();

export function onStatus(f: (s: Status) => void): void {
  statusListeners.add(f);
}

function setStatus(s: Status): void {
  document.body.dataset.live = s === "live" ? "on" : "off";
  for (const f of statusListeners) f(s);
}

function connect(): void {
  timer = null;
  if (stopped) return;
  setStatus("connecting");
  const since = store.lastN > 0 ? `?since=${store.lastN}` : "";
  const sock = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/console${since}`);
  ws = sock;
  behind = null;
  sock.onopen = () => {
    retryMs = 250;
    setStatus("live");
  };
  sock.onmessage = (m) => {
    const f = JSON.parse(String(m.data)) as ConsoleFrame;
    if (f.type === "snapshot") store.snapshot(f);
    else store.event(f);
  };
  sock.onclose = (ev) => {
    // 4001: this login was revoked (logged out elsewhere, disabled, scope changed): any API call now
    // answers 401, which brings the login back (api.ts)
    if (ev.code === 4001) void api("GET", "/api/board/pulse").catch(() => undefined);
    lost(sock);
  };
}

/** The socket is gone (closed, or given up on): say so, and try again after a backoff. */
function lost(sock: WebSocket): void {
  if (ws !== sock) return;
  ws = null;
  sock.onclose = null;
  sock.onmessage = null;
  sock.close();
  setStatus("offline");
  if (stopped || timer) return;
  const delay = retryMs * (0.75 + Math.random() * 0.5);
  retryMs = Math.min(retryMs * 2, 4000);
  timer = setTimeout(connect, delay);
}

async function check(): Promise<void> {
  const sock = ws;
  if (!sock || sock.readyState !== WebSocket.OPEN) return;
  try {
    const { n } = await api<{ n: number }>("GET", "/api/board/pulse");
    // Behind at two checks in a row: events were committed that this socket never delivered.
    if (n > store.lastN && behind !== null && behind > store.lastN) lost(sock);
    else behind = n > store.lastN ? n : null;
  } catch {
    lost(sock);
  }
}

export function startLive(): void {
  if (!stopped) return;
  stopped = false;
  connect();
  watchdog = setInterval(() => void check(), WATCHDOG_MS);
}

export function stopLive(): void {
  stopped = true;
  if (timer) clearTimeout(timer);
  if (watchdog) clearInterval(watchdog);
  timer = null;
  watchdog = null;
  if (ws) lost(ws);
  setStatus("offline");
}
