/**
 * The admin token as the HTTP side checks it, replaceable while the system runs: `POST
 * /api/admin-token/rotate` issues a new one (only its digest is stored) and the old one stops working
 * at once. With HK_ADMIN_TOKEN set there is no rotating: the environment names the token at every start.
 */
import { ensureAdminToken } from "./admin-token";
import type { Db } from "./db/open";
import { adminTokenCheck, type AdminToken } from "./http/auth";

export interface AdminTokenRotation {
  /** HK_ADMIN_TOKEN is set: a token issued here would be replaced by it at the next start. */
  readonly fromEnvironment: boolean;
  /** A new token (in clear, to be shown once) and how many console sessions of the old one were ended. */
  rotate(): { token: string; endedSessions: number };
}

/** The check and its rotation, named as the HTTP side's dependencies name them. */
export function rotatableAdminToken(db: Db, dataDir: string, configured: string | undefined, digest: string): { adminToken: AdminToken; adminTokenRotation: AdminTokenRotation } {
  let current = adminTokenCheck(digest);
  return {
    adminToken: { matches: (token) => current.matches(token) },
    adminTokenRotation: {
      fromEnvironment: configured !== undefined,
      rotate() {
        if (configured !== undefined) throw new Error("the admin token comes from HK_ADMIN_TOKEN");
        const next = ensureAdminToken(db, dataDir, undefined, true);
        current = adminTokenCheck(next.digest);
        return { token: next.generated!, endedSessions: next.endedSessions };
      },
    },
  };
}
