/**
 * JSON over HTTP to the gateway. The session cookie goes along by itself (same origin, httpOnly):
 * the console never sees or stores a credential. An error's `message` is for people: the gateway's
 * stable code in the dispatcher's language (the server's own words stay in `serverMessage`).
 */
import { t, type StringKey } from "./i18n";
import { strings } from "./strings";

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly serverMessage: string, readonly field?: string) {
    super(message);
  }
}

/** The error code in the current language: `e_HK_NOT_FOUND` and so on; a code without words falls back to a general sentence. */
export function errorText(code: string, field?: string): string {
  const key = `e_${code}` as StringKey;
  const base = key in strings.en ? t(key) : t("e_unknown", { code });
  return field ? `${base}${t("e_field", { field })}` : base;
}

/** Called on any 401 (session over): the console shows the login again. */
let onUnauthorized: () => void = () => undefined;
export function setUnauthorizedHandler(f: () => void): void {
  onUnauthorized = f;
}

export async function api<T>(method: string, url: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, {
    method,
    ...(signal ? { signal } : {}),
    credentials: "same-origin",
    headers: body !== undefined ? { "content-type": "application/json" } : {},
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    // A proxy's HTML error page, a cut-off answer: not ours to show.
    data = undefined;
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
    if (res.status === 401 && !url.startsWith("/api/session")) onUnauthorized();
    const code = err?.code ?? (res.status >= 500 ? "HK_INTERNAL" : "HK_BAD_REQUEST");
    throw new ApiError(res.status, code, errorText(code, err?.field), err?.message ?? res.statusText, err?.field);
  }
  if (text && data === undefined) throw new ApiError(res.status, "HK_INTERNAL", errorText("HK_INTERNAL"), "not JSON");
  return data as T;
}

export const query = (params: Record<string, string | number | undefined | null>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
};
