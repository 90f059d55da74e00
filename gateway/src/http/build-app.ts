/** The HTTP app factory (fastify style: builds, never listens). */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from "fastify";
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import websocket from "@fastify/websocket";
import { adminTokenRoutes } from "./admin-token-routes";
import { alertRoutes } from "./alert-routes";
import { auditRoutes } from "./audit-routes";
import type { AppDeps } from "./app-deps";
import { authorize, createAuthenticate, type Access } from "./auth";
import { boardRoutes } from "./board-routes";
import { consoleRoute } from "./console-route";
import { deviceRoutes } from "./device-routes";
import { helpGroupRoutes } from "./help-group-routes";
import { directoryRoutes } from "./directory-routes";
import { installErrorHandler } from "./errors";
import { healthRoutes } from "./health-routes";
import { importRoutes } from "./import-routes";
import { RATE_LIMIT_CLIENTS } from "./login-guard";
import { installOpenApi } from "./openapi/openapi-plugin";
import { residentCardRoutes } from "./resident-card-routes";
import { responderRoutes } from "./responder-routes";
import { serviceRoutes } from "./service-routes";
import { sessionRoutes } from "./session-routes";
import { supervisionRoutes } from "./supervision-routes";
import { tvRoutes } from "./tv-routes";
import { userRoutes } from "./user-routes";
import { districtRoutes } from "./district-routes";
import { drillRoutes } from "./drill-routes";
import { twilioRoutes } from "../notify/twilio-routes";

/** A route as the router holds it, with who may call it. */
export interface DeclaredRoute {
  method: string;
  url: string;
  access: Access;
  websocket: boolean;
}

export interface BuiltApp {
  app: FastifyInstance;
  /** Every route and its access, complete once the app is ready (the route-walk test reads it). */
  routes: readonly DeclaredRoute[];
}

const publicRoute = { config: { access: "public" as const } };

export async function buildApp(deps: AppDeps): Promise<BuiltApp> {
  // Request lines are debug: in a storm the phone network calls back thousands of times a second.
  // Errors and refused webhooks are still logged where they happen.
  const app = Fastify({
    loggerInstance: deps.logger.child({ part: "http" }) as FastifyBaseLogger, bodyLimit: 256 * 1024,
    logController: new LogController({ disableRequestLogging: true }), trustProxy: deps.trustProxy,
  });
  app.addHook("onResponse", async (req, reply) => {
    if (req.log.level === "debug" || req.log.level === "trace") req.log.debug({ method: req.method, url: req.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, "request completed");
  });

  // Deny by default: a route that does not say who may call it stops the start, never serves open.
  const registered: RouteOptions[] = [];
  app.addHook("onRoute", (route) => void registered.push(route));
  const routes: DeclaredRoute[] = [];
  app.addHook("onReady", async () => {
    for (const r of registered) {
      const access = r.config?.access;
      for (const method of [r.method].flat()) {
        if (access === undefined) throw new Error(`route ${method} ${r.url} declares no access (config.access: "public" or the roles allowed)`);
        routes.push({ method, url: r.url, access, websocket: Boolean((r as { websocket?: boolean }).websocket) });
      }
    }
  });

  installErrorHandler(app);
  await app.register(cookie);
  await app.register(formbody);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  // Per source address, only on routes that ask for it (the login); its store is an LRU of this size.
  await app.register(rateLimit, { global: false, cache: RATE_LIMIT_CLIENTS });
  // Before the routes: the OpenAPI document (/docs) lists every route registered after it.
  await installOpenApi(app);

  const authenticate = createAuthenticate(deps.adminToken, deps.ctx.db, deps.now);
  app.addHook("onRequest", async (req) => {
    const access = req.routeOptions.config?.access;
    if (access === "public") return;
    // Unmatched requests (access undefined) need credentials too; with them, the 404 follows.
    const principal = authenticate(req);
    if (access !== undefined) authorize(principal, access, req);
    req.principal = principal;
  });
  // A logged-in dispatcher acts under their own name: a `by` in the body would let them audit as someone else.
  app.addHook("preHandler", async (req) => {
    const body = req.body as { by?: unknown } | null | undefined;
    if (req.principal?.sessionId && body && typeof body === "object" && "by" in body) delete body.by;
  });

  healthRoutes(app, deps);
  directoryRoutes(app, deps);
  auditRoutes(app, deps);
  deviceRoutes(app, deps);
  helpGroupRoutes(app, deps);
  alertRoutes(app, deps);
  consoleRoute(app, deps);
  twilioRoutes(app, deps);
  sessionRoutes(app, deps);
  userRoutes(app, deps);
  districtRoutes(app, deps);
  drillRoutes(app, deps);
  responderRoutes(app, deps);
  boardRoutes(app, deps);
  residentCardRoutes(app, deps);
  serviceRoutes(app, deps);
  supervisionRoutes(app, deps);
  tvRoutes(app, deps);
  importRoutes(app, deps);
  adminTokenRoutes(app, deps);
  await consolePages(app, deps.dashboardDir);
  return { app, routes };
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>helpkey</title>
<p>The console is not built. Run <code>pnpm build:dashboard</code> (or <code>bash scripts/setup.sh</code>), then restart helpkey.</p>
<p>控制台尚未构建。请运行 <code>pnpm build:dashboard</code>（或 <code>bash scripts/setup.sh</code>），然后重新启动。</p>`;

/** The built console (its files as they were at start: nothing else under `/` is served), and the responder link's page. */
async function consolePages(app: FastifyInstance, dir: string): Promise<void> {
  const index = path.join(dir, "index.html");
  if (!existsSync(index)) {
    app.get("/", publicRoute, async (_req, reply) => reply.status(503).type("text/html; charset=utf-8").send(NOT_BUILT));
    app.get("/r/:token", publicRoute, async (_req, reply) => reply.status(503).type("text/html; charset=utf-8").send(NOT_BUILT));
    return;
  }
  // The responder link (`/r/<token>`, sent by SMS) opens the phone-sized page, which reads the token from its path.
  const responderPage = readFileSync(path.join(dir, "responder.html"));
  app.get("/r/:token", publicRoute, async (_req, reply) => reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(responderPage));
  await app.register(async (files) => {
    // The console's own files carry no data: public, and only these (wildcard off).
    files.addHook("onRoute", (route) => {
      route.config = { ...route.config, access: "public" };
    });
    await files.register(fastifyStatic, { root: dir, prefix: "/", index: ["index.html"], wildcard: false });
  });
}
