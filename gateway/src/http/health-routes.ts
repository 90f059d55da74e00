/**
 * `/healthz` (no auth): 200 when the broker, the database, the workers and the phone channel are
 * up, and which phone network it is (real Twilio, a compatible server, the built-in emulator).
 * `/metrics` (Prometheus text, can be turned off with HK_METRICS=0). `/api/system` (console users):
 * the same phone status, for the consoles' banner.
 */
import { sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { anyRole } from "../users/roles";
import type { AppDeps } from "./app-deps";

export function healthRoutes(app: FastifyInstance, deps: AppDeps): void {
  const open = { config: { access: "public" as const } };
  app.get("/healthz", open, async (_req, reply) => {
    let database = false;
    try {
      database = deps.ctx.db.get<{ ok: number }>(sql`select 1 as ok`)?.ok === 1;
    } catch {
      database = false;
    }
    const phone = deps.health.phone();
    const checks = { broker: deps.health.broker(), database, workers: deps.health.workers(), phone: phone.ok };
    const ok = Object.values(checks).every(Boolean);
    return reply.status(ok ? 200 : 503).send({ status: ok ? "ok" : "degraded", checks, phone });
  });
  app.get("/api/system", { config: { access: anyRole } }, async () => ({ phone: deps.health.phone(), phonesPanel: deps.phonesPanelUrl ?? null }));
  if (deps.metricsEnabled) {
    app.get("/metrics", open, async (_req, reply) => {
      const { registry, external } = deps.metrics;
      const texts = await Promise.all([registry.metrics(), ...external.map((f) => f())]);
      return reply.type(registry.contentType).send(texts.filter(Boolean).join("\n"));
    });
  }
}
