/** What the router holds: a mounted view that hears live changes and keys until it is replaced. */
import type { ConsoleEvent } from "@helpkey/shared";
import type { Change } from "../store";
import type { Me } from "../types";

export interface View {
  el: HTMLElement;
  /** What changed in the live store since the last frame (full: a snapshot or a reset). */
  update?(c: Change): void;
  /** The console went live or lost its connection: actions are possible only while live. */
  setLive?(on: boolean): void;
  /** A key the global shortcuts left to the view; true when handled. */
  key?(k: string): boolean;
  destroy?(): void;
}

export interface ViewContext {
  me: Me;
  go(hash: string): void;
}

/** True when the change is a snapshot or has an event of one of these types. */
export function hasEvent(c: Change, test: (e: ConsoleEvent) => boolean): boolean {
  return c.full || c.events.some(test);
}

/** Coalesces bursts of events (a cascade sends many) into one refetch. */
export function debounce(f: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      f();
    }, ms);
  };
}
