/**
 * The console's live state: the alerts it knows, each one's notifications, and the last event number
 * it saw. Fed by the WebSocket (live.ts), one event at a time; listeners hear once per animation
 * frame which alerts changed, so a storm of thousands of events costs one render per frame, not one
 * per event. Terminal alerts leave the queue at once.
 */
import type { AlertView, ConsoleEvent, ConsoleSnapshot, NotificationView } from "@helpkey/shared";

export const isLive = (a: Pick<AlertView, "state">) => a.state !== "resolved" && a.state !== "cancelled";
/** Needs a person: unclaimed, or claimed and nobody on site in time. */
export const needsSomeone = (a: Pick<AlertView, "state" | "overdueAt">) => a.state === "open" || (isLive(a) && a.overdueAt !== null);
/** Unclaimed first, then the most urgent kind (lower priority number), then the oldest first press. */
export const byQueueOrder = (a: AlertView, b: AlertView) =>
  Number(!needsSomeone(a)) - Number(!needsSomeone(b)) || a.priority - b.priority || a.firstPressAt - b.firstPressAt || a.id - b.id;

/** What changed since the listeners last heard: `full` after a snapshot or a reset. */
export interface Change {
  full: boolean;
  ids: ReadonlySet<number>;
  events: readonly ConsoleEvent[];
}
type Listener = (c: Change) => void;

/** A background tab gets no animation frames: a timer makes sure the alarm still starts there. */
const FALLBACK_FLUSH_MS = 250;

class Store {
  readonly alerts = new Map<number, AlertView>();
  lastN = 0;
  /** Per live alert, its notifications by id (they leave with the alert). */
  private readonly notes = new Map<number, Map<number, NotificationView>>();
  private readonly listeners = new Set<Listener>();
  private sorted: AlertView[] | null = null;
  private dirty = new Set<number>();
  private pending: ConsoleEvent[] = [];
  private full = false;
  private scheduled = false;

  subscribe(f: Listener): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const frame = requestAnimationFrame(() => this.flush());
    setTimeout(() => {
      cancelAnimationFrame(frame);
      this.flush();
    }, FALLBACK_FLUSH_MS);
  }

  /** Tells the listeners everything that changed since they last heard, in one call. */
  flush(): void {
    if (!this.scheduled) return;
    this.scheduled = false;
    const c: Change = { full: this.full, ids: this.dirty, events: this.pending };
    this.full = false;
    this.dirty = new Set();
    this.pending = [];
    document.body.dataset.lastN = String(this.lastN);
    for (const f of [...this.listeners]) f(c);
  }

  private put(a: AlertView): void {
    if (isLive(a)) this.alerts.set(a.id, a);
    else {
      this.alerts.delete(a.id);
      this.notes.delete(a.id);
    }
    this.dirty.add(a.id);
    this.sorted = null;
  }

  snapshot(s: ConsoleSnapshot): void {
    this.alerts.clear();
    this.notes.clear();
    for (const a of s.alerts) this.alerts.set(a.id, a);
    for (const n of s.notifications ?? []) this.note(n);
    this.lastN = s.n;
    this.sorted = null;
    this.full = true;
    this.schedule();
  }

  event(e: ConsoleEvent): void {
    // A replay can overlap what arrived live just before a drop: each number counts once.
    if (e.n <= this.lastN) return;
    this.lastN = e.n;
    if (e.alert) this.put(e.alert);
    if (e.notification) this.note(e.notification);
    this.pending.push(e);
    this.schedule();
  }

  private note(n: NotificationView): void {
    if (!this.alerts.has(n.alertId)) return;
    let m = this.notes.get(n.alertId);
    if (!m) this.notes.set(n.alertId, (m = new Map()));
    m.set(n.id, n);
    this.dirty.add(n.alertId);
  }

  /** An action's HTTP answer: shown at once, without waiting for its event. */
  upsert(a: AlertView): void {
    this.put(a);
    this.schedule();
  }

  /** The notifications this console has seen for an alert since it connected. */
  notifications(alertId: number): NotificationView[] {
    return [...(this.notes.get(alertId)?.values() ?? [])];
  }

  /** Live alerts in queue order; sorted again only after a change. */
  queue(): readonly AlertView[] {
    this.sorted ??= [...this.alerts.values()].sort(byQueueOrder);
    return this.sorted;
  }

  reset(): void {
    this.alerts.clear();
    this.notes.clear();
    this.lastN = 0;
    this.sorted = null;
    this.full = true;
    this.schedule();
  }
}

export const store = new Store();
