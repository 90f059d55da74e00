/** The emulator's Fastify app: built here, never listening here (server.ts does that). */
import formbody from "@fastify/formbody";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { HOST_REFUSED, hostAllowed } from "../host-check";
import { accountsRoute } from "./accounts-route";
import { guardApi } from "./api-guard";
import { callsRoute } from "./calls-route";
import { apiErrors, sendError, twilioError } from "./errors";
import { messagesRoute } from "./messages-route";
import type { NetworkState } from "./network-state";
import { phonesPanel } from "./phones-panel";
import { API_VERSION } from "./resources";

export function buildPhoneApp(net: NetworkState): FastifyInstance {
  // Per-request lines are noise here; the routes log each SMS and call themselves.
  const app = Fastify({ loggerInstance: net.log as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }) });
  void app.register(formbody);
  app.addHook("onRequest", async (req, reply) => {
    if (!hostAllowed(req.headers.host)) return sendError(reply, twilioError(421, 20001, HOST_REFUSED));
  });
  accountsRoute(app, net);
  // What each demo phone received, for a person watching (the address the gateway's banner prints).
  phonesPanel(app, net);
  void app.register(async (api) => {
    guardApi(api, net);
    messagesRoute(api, net);
    callsRoute(api, net);
  }, { prefix: `/${API_VERSION}/Accounts/:accountSid` });
  app.setNotFoundHandler((req, reply) => sendError(reply, apiErrors.notFound(req.url)));
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) net.log.error({ err }, "phone network failed a request");
    return sendError(reply, twilioError(status, status >= 500 ? 20500 : 20001, err.message));
  });
  return app;
}
