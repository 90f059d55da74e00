/**
 * The gateway's HTTP API as the CLI calls it: the admin token as a Bearer header, JSON in and out,
 * every answer checked with its shared schema. A refusal is an ApiError with the server's code;
 * a gateway that cannot be reached is Unreachable.
 */
import type { z } from "zod";

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field: string | undefined, readonly body: unknown) {
    super(message);
  }
}

export class Unreachable extends Error {}

export interface ApiClient {
  readonly url: string;
  /** JSON answer of a 2xx, parsed with `schema`; anything else throws. */
  call<S extends z.ZodType>(schema: S, method: string, path: string, body?: { json: unknown } | { bytes: Uint8Array<ArrayBuffer>; contentType: string }): Promise<z.infer<S>>;
  /** Every row of a paged list (`x-next-cursor`), page by page. */
  listAll<S extends z.ZodType>(row: S, path: string): Promise<z.infer<S>[]>;
}

const NEXT_CURSOR = "x-next-cursor";
const PAGE = 500;

export function apiClient(url: string, token: string): ApiClient {
  const base = url.replace(/\/+$/, "");
  const send = async (method: string, path: string, body?: { json: unknown } | { bytes: Uint8Array<ArrayBuffer>; contentType: string }) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    let payload: string | Uint8Array<ArrayBuffer> | undefined;
    if (body && "json" in body) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers["content-type"] = body.contentType;
      payload = body.bytes;
    }
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new Unreachable(cause?.code ?? cause?.message ?? (err as Error).message);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (!res.ok) {
      const e = (parsed as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
      throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? `${res.status} ${res.statusText}`, e?.field, parsed);
    }
    return { parsed, next: res.headers.get(NEXT_CURSOR) };
  };
  const check = <S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> => {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    const i = r.error.issues[0]!;
    throw new Unreachable(`the gateway's answer to ${what} is not what this CLI expects (${i.path.join(".") || "body"}: ${i.message}): are the CLI and the gateway the same version?`);
  };
  return {
    url: base,
    async call(schema, method, path, body) {
      return check(schema, (await send(method, path, body)).parsed, `${method} ${path}`);
    },
    async listAll(row, path) {
      const out: z.infer<typeof row>[] = [];
      let cursor: string | null = null;
      do {
        const sep = path.includes("?") ? "&" : "?";
        const page = await send("GET", `${path}${sep}limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        if (!Array.isArray(page.parsed)) throw new Unreachable(`GET ${path} did not answer with a list`);
        for (const r of page.parsed) out.push(check(row, r, `GET ${path}`));
        cursor = page.next;
      } while (cursor);
      return out;
    },
  };
}
