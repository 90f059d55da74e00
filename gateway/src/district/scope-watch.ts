/**
 * A district user sees the communities of its districts as they are now. HTTP reads them per
 * request (session-store.ts); an open console socket holds the set it was opened with. So when a
 * community moves between districts (or joins or leaves one), every district console whose set no
 * longer matches is closed and its account's sessions end, like any other change to what someone
 * sees: the officer logs in again to a fresh snapshot of the new scope. Consoles opened after the
 * change already hold the new set and stay open.
 */
import { eq } from "drizzle-orm";
import type { Logger } from "pino";
import type { ConsoleHub } from "../console/console-hub";
import type { Db } from "../db/open";
import { communities, sessions } from "../db/schema";
import { communitiesOfDistrictsOf, getUser } from "../users/user-store";

/** Community id → district id as text ("" for none), in id order: equal strings, equal maps. */
function districtMap(db: Db): string {
  return db.select({ id: communities.id, d: communities.districtId }).from(communities).orderBy(communities.id).all().map((r) => `${r.id}:${r.d ?? ""}`).join(",");
}

const sameSet = (a: ReadonlySet<number>, b: readonly number[]) => a.size === b.length && b.every((x) => a.has(x));

/** Closes the district consoles whose communities are no longer their districts' and ends those accounts' sessions; returns the account ids. */
export function closeStaleDistrictConsoles(db: Db, hub: ConsoleHub): number[] {
  const scopes = new Map<number, number[] | null>();
  const scopeOf = (userId: number) => {
    if (!scopes.has(userId)) scopes.set(userId, getUser(db, userId)?.role === "district" ? communitiesOfDistrictsOf(db, userId) : null);
    return scopes.get(userId)!;
  };
  const stale = new Set<number>();
  hub.revoke((c) => {
    if (c.userId === null || c.communityIds === null) return false;
    const now = scopeOf(c.userId);
    if (now === null || sameSet(c.communityIds, now)) return false;
    stale.add(c.userId);
    return true;
  }, "district changed: log in again");
  if (stale.size > 0) {
    db.$client.transaction(() => {
      for (const u of stale) db.delete(sessions).where(eq(sessions.userId, u)).run();
    }).immediate();
  }
  return [...stale];
}

/** Remembers the last district map it saw; `check()` acts when it changed. */
export function createScopeWatch(db: Db, hub: ConsoleHub, logger: Logger): { check(): void } {
  let last = districtMap(db);
  return {
    check() {
      const now = districtMap(db);
      if (now === last) return;
      last = now;
      const accounts = closeStaleDistrictConsoles(db, hub);
      if (accounts.length > 0) logger.info({ accounts }, "communities moved between districts: those district accounts log in again");
    },
  };
}
