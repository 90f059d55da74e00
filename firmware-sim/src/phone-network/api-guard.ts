/**
 * In front of every API route: HTTP basic auth with accountSid:authToken (401 / 20003 otherwise), the
 * account in the path must be ours, and then the failures queued by failNext() (429 / 20429 or 5xx,
 * for any request or only one kind, or one number), so the gateway's retries, backoff and channel
 * pauses can be tested.
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { apiErrors, sendError } from "./errors";
import { formOf, one } from "./form";
import type { NetworkState } from "./network-state";
import type { FailureMatch } from "./types";

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

/** HTTP basic auth with this network's accountSid:authToken. */
export function authorized(header: string | undefined, net: NetworkState): boolean {
  const creds = credentials(header);
  const { accountSid, authToken } = net.config;
  return Boolean(creds && sameSecret(creds[0], accountSid) && sameSecret(creds[1], authToken));
}

/** Which API request this is, as failNext() names them. */
function requestKind(method: string, url: string): FailureMatch["request"] {
  const path = url.split("?")[0]!;
  if (method !== "POST") return "other";
  if (path.endsWith("/Messages.json")) return "sms";
  if (path.endsWith("/Calls.json")) return "call";
  return /\/Calls\/[^/]+\.json$/.test(path) ? "call-update" : "other";
}

export function guardApi(api: FastifyInstance, net: NetworkState): void {
  api.addHook("onRequest", async (req, reply) => {
    const { accountSid } = net.config;
    if (!authorized(req.headers.authorization, net)) return sendError(reply, apiErrors.authenticate());
    if ((req.params as { accountSid?: string }).accountSid !== accountSid) return sendError(reply, apiErrors.notFound(req.url));
  });
  // after the body is read: a queued failure may be meant for one request kind or one number
  api.addHook("preHandler", async (req, reply) => {
    const failure = net.takeFailure({ request: requestKind(req.method, req.url), to: one(formOf(req.body), "To") });
    if (!failure) return;
    if (failure.status === 429) return sendError(reply, apiErrors.tooManyRequests());
    if (failure.status === 401) return sendError(reply, apiErrors.authenticate());
    const err = apiErrors.unavailable(failure.status);
    return sendError(reply, failure.code === undefined ? err : { ...err, code: failure.code });
  });
}
