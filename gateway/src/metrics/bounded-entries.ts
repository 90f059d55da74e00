/**
 * hk_bounded_entries{map}: how full each of the gateway's bounded maps is, read at every scrape.
 * Every map a stranger can grow is bounded; a map is tracked here by name once it exists. (The
 * broker's own are hk_mqtt_bounded_entries: both texts are served in one scrape.)
 */
import { Gauge, type Registry } from "prom-client";

export interface BoundedEntries {
  /** Reports `entries()` as hk_bounded_entries{map} from now on. */
  track(map: string, entries: () => number): void;
}

export function createBoundedEntries(registry: Registry): BoundedEntries {
  const maps = new Map<string, () => number>();
  new Gauge({
    name: "hk_bounded_entries",
    help: "Entries in the gateway's bounded maps, by map",
    labelNames: ["map"] as const,
    registers: [registry],
    collect() {
      for (const [map, entries] of maps) this.set({ map }, entries());
    },
  });
  return { track: (map, entries) => void maps.set(map, entries) };
}
