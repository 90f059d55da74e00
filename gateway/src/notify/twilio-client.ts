/**
 * The real twilio SDK, optionally sent to another Twilio-compatible server (HK_TWILIO_API_URL, or the
 * firmware-sim phone network when no Twilio credentials are set).
 * twilio 6.2.0 has no base-URL option (`edge`/`region` only rewrite twilio.com host names), so a
 * RequestClient subclass rewrites each request's origin.
 */
import { Agent as HttpAgent } from "node:http";
import twilio from "twilio";

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /** e.g. "http://127.0.0.1:4010"; unset: Twilio itself. */
  apiUrl?: string;
}

/** A request that hangs is a transient failure: give up after this and retry with backoff. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Connections to the provider at most; more requests wait for one. Sends are bounded by the outbox,
 * but hang-ups and "X is going" redirects are not, and device sockets already hold most of the
 * process's open files.
 */
const MAX_SOCKETS = 32;

type RequestOptions = Parameters<twilio.RequestClient["request"]>[0];

/** Keeps the path and query of the SDK's URL and replaces protocol, host and port (and prefixes apiUrl's path). */
export function rewriteApiUri(uri: string, apiUrl: URL): string {
  const original = new URL(uri);
  const prefix = apiUrl.pathname.replace(/\/+$/, "");
  return `${apiUrl.origin}${prefix}${original.pathname}${original.search}`;
}

class RedirectingRequestClient extends twilio.RequestClient {
  readonly #apiUrl: URL;

  constructor(apiUrl: URL) {
    super({ keepAlive: true, timeout: REQUEST_TIMEOUT_MS, maxSockets: MAX_SOCKETS, maxTotalSockets: MAX_SOCKETS });
    this.#apiUrl = apiUrl;
    // RequestClient only gives its https agent keep-alive; an http:// emulator gets its own agent.
    this.axios.defaults.httpAgent = new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS, maxTotalSockets: MAX_SOCKETS });
  }

  override request<TData>(opts: RequestOptions & { data?: TData }) {
    return super.request<TData>({ ...opts, uri: rewriteApiUri(opts.uri, this.#apiUrl) });
  }
}

export function createTwilioClient(opts: TwilioClientOptions): twilio.Twilio {
  if (!opts.apiUrl) return twilio(opts.accountSid, opts.authToken, { timeout: REQUEST_TIMEOUT_MS });
  let apiUrl: URL;
  try {
    apiUrl = new URL(opts.apiUrl);
  } catch {
    throw new Error(`Twilio API URL "${opts.apiUrl}" is not a URL; set it like http://127.0.0.1:4010`);
  }
  if (apiUrl.protocol !== "http:" && apiUrl.protocol !== "https:") {
    throw new Error(`Twilio API URL "${opts.apiUrl}" must start with http:// or https://`);
  }
  return twilio(opts.accountSid, opts.authToken, { httpClient: new RedirectingRequestClient(apiUrl) });
}
