/**
 * Daily windows of local time (quiet hours, waking hours) in a community's time zone. Pure: time
 * comes in as epoch ms. A window `to` before `from` crosses midnight; `from` equal to `to` is the
 * whole day. Boundaries are found minute by minute of the local clock, so a daylight-saving jump
 * moves a boundary by the jump at most.
 */
import type { DailyWindow } from "@helpkey/shared";

const MINUTE = 60_000;
const DAY_MIN = 24 * 60;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    // time zones are the communities' (a handful): the map stays small
    if (formatters.size > 500) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Minutes since local midnight at `ts`. */
export function localMinuteOfDay(ts: number, timeZone: string): number {
  const parts = formatterOf(timeZone).formatToParts(new Date(ts));
  const hour = Number(parts.find((p) => p.type === "hour")!.value);
  const minute = Number(parts.find((p) => p.type === "minute")!.value);
  return hour * 60 + minute;
}

const wholeDay = (w: DailyWindow) => w.from === w.to;

/** Whether `ts` falls inside the daily window (from inclusive, to exclusive). */
export function inWindow(ts: number, w: DailyWindow, timeZone: string): boolean {
  if (wholeDay(w)) return true;
  const m = localMinuteOfDay(ts, timeZone);
  const from = toMinutes(w.from);
  const to = toMinutes(w.to);
  return from < to ? m >= from && m < to : m >= from || m < to;
}

/** The first instant after `ts` when the local clock reads `hhmm` (the start of that minute). */
export function nextClockTime(ts: number, hhmm: string, timeZone: string): number {
  const m = localMinuteOfDay(ts, timeZone);
  const startOfMinute = ts - (ts % MINUTE);
  let ahead = (toMinutes(hhmm) - m + DAY_MIN) % DAY_MIN;
  if (ahead === 0) ahead = DAY_MIN;
  return startOfMinute + ahead * MINUTE;
}

/** When the window that holds `ts` ends; null when `ts` is outside it (or it is the whole day). */
export function windowEndsAt(ts: number, w: DailyWindow, timeZone: string): number | null {
  if (wholeDay(w) || !inWindow(ts, w, timeZone)) return null;
  return nextClockTime(ts, w.to, timeZone);
}

/**
 * The instant when `spanMs` of time inside the window has passed since `start`: time outside the
 * window does not count (a span of waking hours sleeps through the night).
 */
export function addWindowTime(start: number, spanMs: number, w: DailyWindow, timeZone: string): number {
  if (wholeDay(w)) return start + spanMs;
  let t = start;
  let left = spanMs;
  // each turn crosses one boundary; a year of days is far beyond any span the policy allows
  for (let i = 0; i < 800; i++) {
    if (inWindow(t, w, timeZone)) {
      const end = nextClockTime(t, w.to, timeZone);
      if (end - t >= left) return t + left;
      left -= end - t;
      t = end;
    } else {
      t = nextClockTime(t, w.from, timeZone);
    }
  }
  return t + left;
}
