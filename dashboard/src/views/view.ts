/** What the router holds: a mounted view that hears live events and keys until it is replaced. */
import type { ConsoleEvent } from "@helpkey/shared";
import type { Me } from "../types";

export interface View {
  el: HTMLElement;
  /** A live event (null: a snapshot or a local change). */
  update?(e: ConsoleEvent | null): void;
  /** A key the global shortcuts left to the view; true when handled. */
  key?(k: string): boolean;
  destroy?(): void;
}

export interface ViewContext {
  me: Me;
  go(hash: string): void;
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
