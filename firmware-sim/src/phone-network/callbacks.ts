/**
 * Requests from the network to the gateway's webhooks, signed like Twilio signs them: the
 * `X-Twilio-Signature` of the exact URL and form params (the
 * webhooks verify it and reject anything else).
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import twilio from "twilio";
import type { Logger } from "pino";

export type FormParams = Record<string, string | string[]>;

export interface CallbackResult {
  status: number;
  body: string;
}

/** Twilio gives up on a webhook after 15 s. */
const WEBHOOK_TIMEOUT_MS = 15_000;

/**
 * At most this many webhook requests at once, over as many keep-alive connections. A storm makes
 * thousands of calls at a time, and unbounded callbacks would take the gateway past its open-file
 * limit, most of which device sockets hold. Twilio's own egress is a bounded pool.
 */
const MAX_CONCURRENT_WEBHOOKS = 64;
let activeWebhooks = 0;
const waitingWebhooks: (() => void)[] = [];

async function webhookSlot(): Promise<() => void> {
  if (activeWebhooks >= MAX_CONCURRENT_WEBHOOKS) await new Promise<void>((resolve) => waitingWebhooks.push(resolve));
  activeWebhooks++;
  return () => {
    activeWebhooks--;
    waitingWebhooks.shift()?.();
  };
}

/**
 * POST (form body) or GET (params in the query string, signed over the full URL with no params, as
 * Twilio does). Returns undefined when the request failed at the network level: like Twilio, the
 * network logs it and carries on.
 */
export async function sendSigned(
  url: string,
  params: FormParams,
  opts: { authToken: string; method?: "GET" | "POST"; signal?: AbortSignal; log: Logger },
): Promise<CallbackResult | undefined> {
  const release = await webhookSlot();
  try {
    return await sendNow(url, params, opts);
  } finally {
    release();
  }
}

/**
 * node:http with a keep-alive pool, not fetch: undici's streams and the two AbortSignals each fetch
 * needs (the 15 s timeout and the network's shutdown) cost far more CPU per callback, and on a
 * small machine the emulator shares its cores with the gateway it drives.
 */
const agents = {
  "http:": new HttpAgent({ keepAlive: true, maxSockets: MAX_CONCURRENT_WEBHOOKS }),
  "https:": new HttpsAgent({ keepAlive: true, maxSockets: MAX_CONCURRENT_WEBHOOKS }),
};

/** Requests in flight per shutdown signal: one abort listener per signal, not one per request. */
const inFlight = new WeakMap<AbortSignal, Set<ClientRequest>>();

function track(signal: AbortSignal | undefined, req: ClientRequest): () => void {
  if (!signal) return () => undefined;
  let set = inFlight.get(signal);
  if (!set) {
    const mine = (set = new Set());
    inFlight.set(signal, mine);
    signal.addEventListener("abort", () => {
      for (const r of mine) r.destroy(new Error("the phone network is shutting down"));
      mine.clear();
    }, { once: true });
  }
  set.add(req);
  return () => set.delete(req);
}

function request(target: string, method: "GET" | "POST", headers: Record<string, string>, body: string | undefined, signal: AbortSignal | undefined): Promise<CallbackResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error("the phone network is shutting down"));
    const url = new URL(target);
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const agent = agents[url.protocol as keyof typeof agents];
    const req = send(url, { method, agent, headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    const untrack = track(signal, req);
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`)), WEBHOOK_TIMEOUT_MS);
    req.on("close", () => {
      clearTimeout(timer);
      untrack();
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function sendNow(
  url: string,
  params: FormParams,
  opts: { authToken: string; method?: "GET" | "POST"; signal?: AbortSignal; log: Logger },
): Promise<CallbackResult | undefined> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
  const method = opts.method ?? "POST";
  const target = method === "GET" ? `${url}${url.includes("?") ? "&" : "?"}${form.toString()}` : url;
  const signature = twilio.getExpectedTwilioSignature(opts.authToken, target, method === "GET" ? {} : params);
  const headers: Record<string, string> = {
    "x-twilio-signature": signature,
    "user-agent": "TwilioProxy/1.1 (helpkey phone-network emulator)",
    ...(method === "POST" ? { "content-type": "application/x-www-form-urlencoded" } : {}),
  };
  try {
    const res = await request(target, method, headers, method === "POST" ? form.toString() : undefined, opts.signal);
    if (res.status < 200 || res.status > 299) opts.log.warn({ url: target, status: res.status }, "webhook answered with an error (Twilio error 11200)");
    return res;
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    opts.log.warn({ url: target, err: (err as Error).message }, "webhook unreachable (Twilio error 11200)");
    return undefined;
  }
}

/** Callbacks of one resource go out one after another, so they arrive in the order they happened. */
export class CallbackChain {
  #tail: Promise<unknown> = Promise.resolve();

  push(send: () => Promise<unknown>): void {
    // A failed callback is already logged by sendSigned; it must not stop the ones after it.
    this.#tail = this.#tail.then(send).catch(() => undefined);
  }

  get idle(): Promise<unknown> {
    return this.#tail;
  }
}
