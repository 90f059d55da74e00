/**
 * Requests from the network to the gateway's webhooks, signed like Twilio signs them: the
 * `X-Twilio-Signature` of the exact URL and form params (DESIGN.md "Notification policy": the
 * webhooks verify it and reject anything else).
 */
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
 * POST (form body) or GET (params in the query string, signed over the full URL with no params, as
 * Twilio does). Returns undefined when the request failed at the network level: like Twilio, the
 * network logs it and carries on.
 */
/**
 * At most this many webhook requests at once, each its own connection while it runs. A storm makes
 * thousands of calls at a time, and unbounded callbacks took the gateway past its open-file limit,
 * which 19,000 device sockets nearly fill (bench, issue 4). Twilio's own egress is a bounded pool.
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
  const timeout = AbortSignal.timeout(WEBHOOK_TIMEOUT_MS);
  try {
    const res = await fetch(target, {
      method,
      headers: {
        "x-twilio-signature": signature,
        "user-agent": "TwilioProxy/1.1 (helpkey phone-network emulator)",
        ...(method === "POST" ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      ...(method === "POST" ? { body: form.toString() } : {}),
      signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout,
    });
    const body = await res.text();
    if (!res.ok) opts.log.warn({ url: target, status: res.status }, "webhook answered with an error (Twilio error 11200)");
    return { status: res.status, body };
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
