/**
 * One route → one OpenAPI operation: the table's summary and zod schemas (as JSON Schema, by
 * fastify-type-provider-zod's transform) and who may call it, read from the route's `config.access`.
 * It runs only when the document is built: no route carries a schema, so Fastify compiles no
 * validator or serializer from these, and each handler keeps parsing with its own zod schema.
 */
import type { SwaggerTransform, SwaggerTransformObject } from "@fastify/swagger";
import type { FastifySchema } from "fastify";
import { jsonSchemaTransform } from "fastify-type-provider-zod";
import type { Role } from "../../users/roles";
import type { Access } from "../auth";
import { isRawBody, type RouteDoc } from "./route-doc";
import { routeDocs, routeKey } from "./route-docs";

export const DOCS_PREFIX = "/docs";

/** The security schemes an operation may name (the document's components). */
export const securitySchemes = {
  adminToken: { type: "http", scheme: "bearer", description: "The install's admin token: `Authorization: Bearer <token>`. It may call every route." },
  session: { type: "apiKey", in: "cookie", name: "hk_session", description: "A console account's session cookie, from `POST /api/session`." },
  adminTokenQuery: { type: "apiKey", in: "query", name: "token", description: "The admin token as `?token=`: the console WebSocket only, where a script cannot set a header." },
} as const;

export const isDocsRoute = (url: string): boolean => url === DOCS_PREFIX || url.startsWith(`${DOCS_PREFIX}/`);

/** The built console's files (their names change with every build): served to browsers, not an API. */
export const isConsoleFile = (method: string, url: string, access: Access | undefined): boolean =>
  method === "GET" && access === "public" && /\/[^/]+\.[A-Za-z0-9]+$/.test(url);

/** Who may call: "public", or the roles (admins may call every route, so they are always among them). */
export function effectiveAccess(access: Access): "public" | Role[] {
  if (access === "public") return "public";
  return access.includes("admin") ? [...access] : [...access, "admin"];
}

const operationId = (method: string, url: string) =>
  method.toLowerCase() + url.replace(/[^A-Za-z0-9]+([A-Za-z0-9]?)/g, (_m, c: string) => c.toUpperCase());

function requestBody(doc: RouteDoc | undefined): Record<string, unknown> {
  const body = doc?.body;
  if (!isRawBody(body)) return {};
  const form = body.mediaTypes.every((t) => t === "application/x-www-form-urlencoded");
  return { body: { description: body.description, ...(form ? { type: "object" } : { type: "string", format: "binary" }) }, consumes: body.mediaTypes };
}

function responses(doc: RouteDoc | undefined): Record<string, unknown> {
  const status = doc?.status ?? 200;
  const success = status === 204 || status === 101
    ? { type: "null", description: doc?.response ?? "No content." }
    : { description: doc?.response ?? "Success.", content: { [doc?.produces ?? "application/json"]: { schema: {} } } };
  return { [status]: success, default: { type: "null", description: "An error: `{error: {code, message, field?}}` with a stable code (shared/src/errors.ts)." } };
}

/** HEAD answers as its GET does, without the body: an operation of its own would only repeat the GET's. */
export const withoutHead: SwaggerTransformObject = (document) => {
  const object = "openapiObject" in document ? document.openapiObject : document.swaggerObject;
  for (const item of Object.values(object.paths ?? {})) delete (item as { head?: unknown } | undefined)?.head;
  return object;
};

export const documentRoute: SwaggerTransform = ({ schema: _own, url, route, ...document }) => {
  // a route served under several methods (the console's files: GET and HEAD) is documented as its GET
  const methods = [route.method].flat();
  const method = methods.includes("GET") ? "GET" : methods[0]!;
  const access = route.config?.access;
  // This decides alone what is hidden: the plugins' own `hide` would drop the console WebSocket and the console page.
  if (isDocsRoute(url) || isConsoleFile(method, url, access)) return { schema: { hide: true } as FastifySchema, url };

  const doc = routeDocs[routeKey(method, url)];
  const zod = {
    ...(doc?.body && doc.body !== "none" && !isRawBody(doc.body) ? { body: doc.body } : {}),
    ...(doc?.querystring ? { querystring: doc.querystring } : {}),
    ...(doc?.params ? { params: doc.params } : {}),
  };
  const converted = jsonSchemaTransform({ ...document, schema: zod, url, route }).schema;

  const who = access === undefined ? undefined : effectiveAccess(access);
  const sentence = who === undefined ? "Access: not declared." : who === "public" ? "Public: no credentials." : `Roles: ${who.join(", ")}.`;
  const schemes: (keyof typeof securitySchemes)[] = who === "public" ? [] : ["adminToken", "session", ...(route.config?.tokenInQuery ? ["adminTokenQuery" as const] : [])];
  const security: Record<string, string[]>[] = schemes.map((name) => ({ [name]: [] }));
  const operation = {
    ...converted,
    ...requestBody(doc),
    operationId: operationId(method, url),
    summary: doc?.summary ?? "Not documented yet",
    tags: doc?.tags ?? ["Undocumented"],
    description: [doc?.description, sentence].filter(Boolean).join("\n\n"),
    security,
    "x-helpkey-access": who ?? null,
    response: responses(doc),
  };
  return { schema: operation as FastifySchema, url };
};
