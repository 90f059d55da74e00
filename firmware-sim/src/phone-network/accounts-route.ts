/**
 * `GET /2010-04-01/Accounts/{AccountSid}.json`: the account itself, which a client fetches to check
 * its credentials (401 / 20003 when they are wrong). Failures queued by failNext() are for the
 * messages and calls a test is about, so this route never takes one.
 */
import type { FastifyInstance } from "fastify";
import { authorized } from "./api-guard";
import { apiErrors, sendError } from "./errors";
import type { NetworkState } from "./network-state";
import { API_VERSION, rfc2822 } from "./resources";

const started = Date.now();

export function accountsRoute(app: FastifyInstance, net: NetworkState): void {
  app.get(`/${API_VERSION}/Accounts/:file`, async (req, reply) => {
    const { accountSid } = net.config;
    if (!authorized(req.headers.authorization, net)) return sendError(reply, apiErrors.authenticate());
    if ((req.params as { file: string }).file !== `${accountSid}.json`) return sendError(reply, apiErrors.notFound(req.url));
    return {
      sid: accountSid, friendly_name: "helpkey phone-network emulator", status: "active", type: "Full",
      date_created: rfc2822(started), date_updated: rfc2822(started), uri: `/${API_VERSION}/Accounts/${accountSid}.json`,
    };
  });
}
