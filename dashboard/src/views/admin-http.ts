/**
 * HTTP for the admin pages where the JSON body alone is not enough: a list page's `x-next-cursor`
 * header, a CSV file sent as it is, the credentials sheet read as text, the import's report inside a
 * 422. Errors become the same ApiError the rest of the console shows.
 */
import { ApiError, apiError, type ServerError } from "../api";

export interface SendOptions {
  /** JSON body; or `raw` for a file sent byte for byte. */
  json?: unknown;
  raw?: Blob;
  headers?: Record<string, string>;
  /** Statuses that are answers, not failures (the import's 422 carries its report). */
  accept?: number[];
}

export async function send(method: string, url: string, o: SendOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(o.json !== undefined ? { "content-type": "application/json" } : {}), ...o.headers };
  const body = o.json !== undefined ? JSON.stringify(o.json) : o.raw;
  const res = await fetch(url, { method, credentials: "same-origin", headers, ...(body !== undefined ? { body } : {}) });
  if (res.ok || o.accept?.includes(res.status)) return res;
  // The session is over: the console starts again at its login form, and returns to this page after it.
  if (res.status === 401) location.reload();
  throw await failure(res);
}

async function failure(res: Response): Promise<ApiError> {
  let err: ServerError | undefined;
  try {
    err = ((await res.json()) as { error?: typeof err }).error;
  } catch {
    // a proxy's HTML page: only the status means anything
  }
  return apiError(res.status, err, res.statusText);
}

export async function sendJson<T>(method: string, url: string, o: SendOptions = {}): Promise<T> {
  const res = await send(method, url, o);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** What to show for a failed action: the console's sentence, then the server's own detail. */
export function failureText(err: unknown): string {
  // a phone number's sentence is whole in the console's language: the server's English adds nothing
  if (err instanceof ApiError) return !err.phone && err.serverMessage && err.serverMessage !== err.message ? `${err.message} ${err.serverMessage}` : err.message;
  return err instanceof Error ? err.message : String(err);
}
