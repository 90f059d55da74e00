/**
 * In front of every API route: HTTP basic auth with accountSid:authToken (401 / 20003 otherwise), the
 * account in the path must be ours, and then the failures queued by failNext() (429 / 20429 or 5xx),
 * so the gateway's retry and backoff can be tested (DESIGN.md "Notification policy": retries transient
 * failures with backoff).
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { apiErrors, sendError } from "./errors";
import type { NetworkState } from "./network-state";

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function credentials(header: string | undefined): [string, string] | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = text.indexOf(":");
  return colon < 0 ? undefined : [text.slice(0, colon), text.slice(colon + 1)];
}

export function guardApi(api: FastifyInstance, net: NetworkState): void {
  api.addHook("onRequest", async (req, reply) => {
    const creds = credentials(req.headers.authorization);
    const { accountSid, authToken } = net.config;
    if (!creds || !sameSecret(creds[0], accountSid) || !sameSecret(creds[1], authToken)) return sendError(reply, apiErrors.authenticate());
    if ((req.params as { accountSid?: string }).accountSid !== accountSid) return sendError(reply, apiErrors.notFound(req.url));
    const failure = net.takeFailure();
    if (!failure) return;
    if (failure.status === 429) return sendError(reply, apiErrors.tooManyRequests());
    const err = apiErrors.unavailable(failure.status);
    return sendError(reply, failure.code === undefined ? err : { ...err, code: failure.code });
  });
}
