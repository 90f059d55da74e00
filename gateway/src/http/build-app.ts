/** The HTTP app factory (fastify style: builds, never listens). */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from "fastify";
import formbody from "@fastify/formbody";
import fastifyStatic from "@fastify/static";
import websocket from "@fastify/websocket";
import { alertRoutes } from "./alert-routes";
import type { AppDeps } from "./app-deps";
import { authorize, principalOf, withSessions } from "./auth";
import { boardRoutes } from "./board-routes";
import { consoleRoute } from "./console-route";
import { deviceRoutes } from "./device-routes";
import { directoryRoutes } from "./directory-routes";
import { installErrorHandler } from "./errors";
import { healthRoutes } from "./health-routes";
import { responderRoutes } from "./responder-routes";
import { sessionRoutes } from "./session-routes";
import { userRoutes } from "./user-routes";
import { twilioRoutes } from "../notify/twilio-routes";

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Request lines are debug: in a storm the phone network calls back thousands of times a second, and
  // two info lines per request were a tenth of the webhooks' time (bench profile, issue 4). Errors and
  // refused webhooks are still logged where they happen.
  const app = Fastify({ loggerInstance: deps.logger.child({ part: "http" }) as FastifyBaseLogger, bodyLimit: 256 * 1024, logController: new LogController({ disableRequestLogging: true }) });
  app.addHook("onResponse", async (req, reply) => {
    if (req.log.level === "debug" || req.log.level === "trace") req.log.debug({ method: req.method, url: req.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, "request completed");
  });
  installErrorHandler(app);
  await app.register(formbody);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  // Admin token or dispatcher session (auth.ts), then the role's permission for the route.
  const authenticate = withSessions(deps.authenticate, deps.ctx.db, deps.now);
  app.addHook("onRequest", async (req: FastifyRequest) => {
    if (!req.url.startsWith("/api/") || req.routeOptions.config?.public) return;
    const principal = authenticate(req);
    authorize(principal, req);
    (req as FastifyRequest & { principal: unknown }).principal = principal;
  });
  // A logged-in dispatcher acts under their own name: a `by` in the body would let them audit as someone else.
  app.addHook("preHandler", async (req: FastifyRequest) => {
    const body = req.body as { by?: unknown } | null | undefined;
    if (req.url.startsWith("/api/") && principalOf(req)?.sessionId && body && typeof body === "object" && "by" in body) delete body.by;
  });

  const appDeps = { ...deps, authenticate };
  healthRoutes(app, appDeps);
  directoryRoutes(app, appDeps);
  deviceRoutes(app, appDeps);
  alertRoutes(app, appDeps);
  consoleRoute(app, appDeps);
  twilioRoutes(app, appDeps);
  sessionRoutes(app, deps);
  userRoutes(app, appDeps);
  responderRoutes(app, appDeps);
  boardRoutes(app, appDeps);
  // The responder link (`/r/<token>`, sent by SMS) opens the phone-sized page; the page reads the token from its path.
  const responderPage = path.join(deps.dashboardDir, "responder.html");
  app.get("/r/:token", async (_req, reply) =>
    existsSync(responderPage) ? reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(readFileSync(responderPage)) : reply.status(404).send("responder page not built: run pnpm build:dashboard"));
  if (existsSync(deps.dashboardDir)) await app.register(fastifyStatic, { root: deps.dashboardDir, prefix: "/", index: ["index.html"] });
  return app;
}
