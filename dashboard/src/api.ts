/**
 * JSON over HTTP to the gateway. The session cookie goes along by itself (same origin, httpOnly):
 * the console never sees or stores a credential. An error's `message` is for people: the gateway's
 * stable code in the dispatcher's language (the server's own words stay in `serverMessage`).
 */
import type { PhoneHint } from "@helpkey/shared";
import { currentLang, t, type StringKey } from "./i18n";
import { strings } from "./strings";

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly serverMessage: string, readonly field?: string, readonly phone?: PhoneHint) {
    super(message);
  }
}

/** A phone number the gateway could not read, said in the dispatcher's language: the country by name, and how a number is written there. */
export function phoneText(hint: PhoneHint): string {
  let region = hint.region;
  try {
    region = new Intl.DisplayNames([currentLang()], { type: "region" }).of(hint.region) ?? hint.region;
  } catch {
    // an unknown code: the code itself
  }
  return hint.example ? t("phoneInvalidEg", { region, example: hint.example }) : t("phoneInvalid", { region });
}

/** The error as people read it: a phone number's own sentence, else the code's. */
export function apiError(status: number, err: ServerError | undefined, fallback: string): ApiError {
  const code = err?.code ?? (status >= 500 ? "HK_INTERNAL" : "HK_BAD_REQUEST");
  const message = err?.phone ? phoneText(err.phone) : errorText(code, err?.field);
  return new ApiError(status, code, message, err?.message ?? fallback, err?.field, err?.phone);
}

export interface ServerError {
  code?: string;
  message?: string;
  field?: string;
  phone?: PhoneHint;
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
    const err = (data as { error?: ServerError } | undefined)?.error;
    if (res.status === 401 && !url.startsWith("/api/session")) onUnauthorized();
    throw apiError(res.status, err, res.statusText);
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
