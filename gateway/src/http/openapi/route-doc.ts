/**
 * One route's entry in the OpenAPI document (/docs): a line of summary, its tags, and the very zod
 * schemas its handler parses with (imported, never copied, so the document cannot drift from the
 * validation). Who may call the route is not written here: it is read from the route's own
 * `config.access`.
 */
import type { z } from "zod";

/** A body that is not JSON: a CSV file, a provider's signed form. */
export interface RawBody {
  mediaTypes: readonly string[];
  description: string;
}

export interface RouteDoc {
  /** One line, English. */
  summary: string;
  tags: readonly string[];
  /** What a reader needs beyond the summary: a constraint, a status worth knowing. */
  description?: string;
  /**
   * POST, PUT and PATCH say what they take: the schema the handler parses, a raw body, or "none"
   * (the document test fails on one that does not say).
   */
  body?: z.ZodType | RawBody | "none";
  querystring?: z.ZodType;
  params?: z.ZodType;
  /** What a success holds, in a few words. */
  response?: string;
  /** The success status, 200 unless said; 204 and 101 (a WebSocket) have no body. */
  status?: number;
  /** The success's media type when it is not JSON. */
  produces?: string;
}

/** Keyed "METHOD /url/:param", the method and url as Fastify registered the route. */
export type RouteDocs = Readonly<Record<string, RouteDoc>>;

export const routeKey = (method: string, url: string): string => `${method.toUpperCase()} ${url}`;

export const isRawBody = (body: RouteDoc["body"]): body is RawBody => typeof body === "object" && body !== null && "mediaTypes" in body;

/** The area tables as one; a route documented twice is a mistake that stops the start. */
export function mergeRouteDocs(...tables: RouteDocs[]): RouteDocs {
  const all: Record<string, RouteDoc> = {};
  for (const table of tables) {
    for (const [key, doc] of Object.entries(table)) {
      if (key in all) throw new Error(`route ${key} is documented twice`);
      all[key] = doc;
    }
  }
  return Object.freeze(all);
}
