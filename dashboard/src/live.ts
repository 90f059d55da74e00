/**
 * The console's one WebSocket: numbered events, resumable. After a drop or a
 * gateway restart it reconnects by itself with `?since=<last number seen>` and the gateway replays
 * exactly what was missed (or sends a fresh snapshot when too much was). Backoff with jitter, so a
 * centre's consoles do not all knock at once when the gateway comes back.
 *
 * A dropped network does not always close a socket (a half-open TCP connection looks alive for
 * minutes), and a console that silently stops updating is the worst failure it can have. So a
 * watchdog asks the gateway every few seconds for the newest event number this user may see; when
 * the socket stays behind it, or the gateway does not answer in time, the socket is replaced. So
 * "live" on screen means both: the socket is open and the gateway answered the last heartbeat.
 */
import type { ConsoleFrame } from "@helpkey/shared";
import { api } from "./api";
import { store } from "./store";

export type Status = "connecting" | "live" | "offline";
/** The heartbeat: how often the gateway is asked, and how long an answer may take. */
const WATCHDOG_MS = 4000;
const PULSE_TIMEOUT_MS = 3000;
let ws: WebSocket | null = null;
let retryMs = 250;
let timer: ReturnType<typeof setTimeout> | null = null;
let watchdog: ReturnType<typeof setInterval> | null = null;
/** The newest number the gateway reported at the previous check while the socket was behind it. */
let behind: number | null = null;
let stopped = true;
let status: Status = "offline";
/** When the console last stopped being live (null while live). */
let offlineSince: number | null = Date.now();
const statusListeners = new Set<(s: Status, since: number | null) => void>();

export function onStatus(f: (s: Status, since: number | null) => void): void {
  statusListeners.add(f);
}

/** The current state, for a frame built after the fact (a language switch rebuilds the page). */
export function liveState(): { status: Status; since: number | null } {
  return { status, since: offlineSince };
}
export const isOnline = () => status === "live";

function setStatus(s: Status): void {
  status = s;
  if (s === "live") offlineSince = null;
  else offlineSince ??= Date.now();
  document.body.dataset.live = s === "live" ? "on" : "off";
  for (const f of statusListeners) f(s, offlineSince);
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
    const { n } = await api<{ n: number }>("GET", "/api/board/pulse", undefined, AbortSignal.timeout(PULSE_TIMEOUT_MS));
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
