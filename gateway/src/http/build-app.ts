/** The HTTP app factory (fastify style: builds, never listens). */
import { existsSync } from "node:fs";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from "fastify";
import formbody from "@fastify/formbody";
import fastifyStatic from "@fastify/static";
import websocket from "@fastify/websocket";
import { alertRoutes } from "./alert-routes";
import type { AppDeps } from "./app-deps";
import { consoleRoute } from "./console-route";
import { deviceRoutes } from "./device-routes";
import { directoryRoutes } from "./directory-routes";
import { installErrorHandler } from "./errors";
import { healthRoutes } from "./health-routes";
import { twilioRoutes } from "../notify/twilio-routes";

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger.child({ part: "http" }) as FastifyBaseLogger, bodyLimit: 256 * 1024 });
  installErrorHandler(app);
  await app.register(formbody);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  app.addHook("onRequest", async (req: FastifyRequest) => {
    if (req.url.startsWith("/api/")) (req as FastifyRequest & { principal: unknown }).principal = deps.authenticate(req);
  });

  healthRoutes(app, deps);
  directoryRoutes(app, deps);
  deviceRoutes(app, deps);
  alertRoutes(app, deps);
  consoleRoute(app, deps);
  twilioRoutes(app, deps);
  if (existsSync(deps.dashboardDir)) await app.register(fastifyStatic, { root: deps.dashboardDir, prefix: "/", index: ["index.html"] });
  return app;
}
