/**
 * `GET /api/console?since=N` (WebSocket): a snapshot, or exactly the events after N, then live.
 * The replay query and the subscription happen in one synchronous step, so no event falls between.
 */
import type { FastifyInstance } from "fastify";
import { consoleQuerySchema, type ConsoleFrame } from "@helpkey/shared";
import type { ConsoleClient } from "../console/console-hub";
import { compareForQueue } from "../engine/alert-engine";
import { listActiveAlerts, toAlertView } from "../store/alerts";
import { eventsSince, lastEventNumber } from "../store/events";
import { reachingNotesOfLiveAlerts } from "../store/notifications";
import { anyRole } from "../users/roles";
import type { AppDeps } from "./app-deps";
import { principalOf } from "./auth";
import { parse } from "./errors";

/** Beyond this many missed events a fresh snapshot is cheaper than a replay. */
const MAX_REPLAY = 5000;

export function consoleRoute(app: FastifyInstance, deps: AppDeps): void {
  const { ctx, hub, metrics } = deps;
  app.get("/api/console", { websocket: true, config: { access: anyRole, tokenInQuery: true } }, (socket, req) => {
    const q = parse(consoleQuerySchema, req.query);
    const p = principalOf(req);
    const client: ConsoleClient = { ws: socket, socket: req.socket, communityIds: p.communityIds ? new Set(p.communityIds) : null, userId: p.userId, sessionId: p.sessionId };
    const frames: ConsoleFrame[] = [];
    const missed = q.since !== undefined ? eventsSince(ctx.db, q.since, MAX_REPLAY + 1, p.communityIds ?? undefined) : null;
    if (missed && missed.length <= MAX_REPLAY) {
      frames.push(...missed);
    } else {
      const alerts = listActiveAlerts(ctx.db, p.communityIds ?? undefined).sort(compareForQueue).map((a) => toAlertView(a, ctx.dir));
      const notifications = reachingNotesOfLiveAlerts(ctx.db, p.communityIds ?? undefined);
      frames.push({ type: "snapshot", n: lastEventNumber(ctx.db), alerts, notifications });
    }
    const remove = hub.add(client);
    metrics.consoleClients.set(hub.size());
    hub.send(client, frames);
    socket.on("close", () => {
      remove();
      metrics.consoleClients.set(hub.size());
    });
    socket.on("message", () => undefined); // the console only listens; actions go over HTTP
  });
}
