/**
 * The console's live state: the alerts it knows and the last event number it saw. Fed by the
 * WebSocket (live.ts); views subscribe and re-render. Terminal alerts leave the queue at once.
 */
import type { AlertView, ConsoleEvent, ConsoleSnapshot } from "@helpkey/shared";

export const isLive = (a: Pick<AlertView, "state">) => a.state !== "resolved" && a.state !== "cancelled";
/** DESIGN.md "Alerts": lower priority is more urgent; then the oldest first press. */
export const byQueueOrder = (a: AlertView, b: AlertView) => a.priority - b.priority || a.firstPressAt - b.firstPressAt || a.id - b.id;

type Listener = (e: ConsoleEvent | null) => void;

class Store {
  readonly alerts = new Map<number, AlertView>();
  lastN = 0;
  private listeners = new Set<Listener>();

  subscribe(f: Listener): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  private emit(e: ConsoleEvent | null): void {
    document.body.dataset.lastN = String(this.lastN);
    for (const f of [...this.listeners]) f(e);
  }

  snapshot(s: ConsoleSnapshot): void {
    this.alerts.clear();
    for (const a of s.alerts) this.alerts.set(a.id, a);
    this.lastN = s.n;
    this.emit(null);
  }

  event(e: ConsoleEvent): void {
    // A replay can overlap what arrived live just before a drop: each number counts once.
    if (e.n <= this.lastN) return;
    this.lastN = e.n;
    if (e.alert) {
      if (isLive(e.alert)) this.alerts.set(e.alert.id, e.alert);
      else this.alerts.delete(e.alert.id);
    }
    this.emit(e);
  }

  /** An action's HTTP answer: shown at once, without waiting for its event. */
  upsert(a: AlertView): void {
    if (isLive(a)) this.alerts.set(a.id, a);
    else this.alerts.delete(a.id);
    this.emit(null);
  }

  queue(): AlertView[] {
    return [...this.alerts.values()].filter(isLive).sort(byQueueOrder);
  }

  reset(): void {
    this.alerts.clear();
    this.lastN = 0;
  }
}

export const store = new Store();
