/**
 * The OpenAPI document at /docs/json, against the routes the gateway really serves (`sys.routes`):
 * a valid OpenAPI 3 document, every route listed once with the access it declares, a body schema
 * wherever a route takes a body, and documentation that changes nothing about validation.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DeclaredRoute } from "@helpkey/gateway/http/build-app";
import { routeDocs, routeKey } from "@helpkey/gateway/http/openapi/route-docs";
import { createHousehold } from "../helpers/community";
import { rawRequest } from "../helpers/raw-http";
import { ADMIN_TOKEN, startTestSystem, type TestSystem } from "../helpers/system";

interface Operation {
  summary?: string;
  security?: Record<string, string[]>[];
  "x-helpkey-access"?: unknown;
  requestBody?: { content: Record<string, { schema?: object }> };
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

let sys: TestSystem;
let doc: Document;

beforeAll(async () => {
  sys = await startTestSystem();
  const res = await fetch(`${sys.httpUrl}/docs/json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Document;
});
afterAll(async () => {
  await sys?.close();
});

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);
const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
/** What the document covers: not the implicit HEADs, not the docs' own routes, not the built console's files (names change per build). */
const documented = (r: DeclaredRoute) =>
  r.method !== "HEAD" && !/^\/docs(\/|$)/.test(r.url) && !(r.method === "GET" && r.access === "public" && /\/[^/]+\.[A-Za-z0-9]+$/.test(r.url));
const effective = (r: DeclaredRoute) => (r.access === "public" ? "public" : r.access.includes("admin") ? [...r.access] : [...r.access, "admin"]);
const operationOf = (r: DeclaredRoute) => doc.paths[toOpenApiPath(r.url)]?.[r.method.toLowerCase()];

it("serves a valid OpenAPI 3 document without credentials", async () => {
  expect(doc.openapi).toMatch(/^3\./);
  const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  // the schema cannot say it, the specification does: operation ids are unique
  const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => (op as { operationId?: string }).operationId));
  expect(new Set(ids).size).toBe(ids.length);
});

it("lists every route the gateway serves, and nothing else", () => {
  const routes = sys.routes.filter(documented);
  // the route table is the whole app: a filter that dropped most of it would pass vacuously
  expect(routes.length).toBeGreaterThan(100);
  for (const must of ["POST /api/users", "GET /api/console", "POST /twilio/voice/:id", "POST /api/communities/:id/import", "GET /healthz"]) {
    expect(routes.map((r) => `${r.method} ${r.url}`)).toContain(must);
  }
  const served = new Set(routes.map((r) => `${r.method} ${toOpenApiPath(r.url)}`));
  const listed = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
  expect([...served].filter((op) => !listed.has(op)), "served but not in the document").toEqual([]);
  expect([...listed].filter((op) => !served.has(op)), "in the document but not served").toEqual([]);
});

it("has a table entry for every route, and no entry for a route that does not exist", () => {
  const routes = sys.routes.filter(documented);
  const missing = routes.filter((r) => !routeDocs[routeKey(r.method, r.url)]).map((r) => routeKey(r.method, r.url));
  expect(missing, "add these to gateway/src/http/openapi/route-docs-*.ts").toEqual([]);
  const keys = new Set(routes.map((r) => routeKey(r.method, r.url)));
  expect(Object.keys(routeDocs).filter((k) => !keys.has(k)), "documented routes the gateway does not serve").toEqual([]);
});

it("gives every operation that takes a body its request body schema", () => {
  const failures: string[] = [];
  for (const r of sys.routes.filter(documented)) {
    const entry = routeDocs[routeKey(r.method, r.url)];
    if (!entry) continue; // reported by the test above
    if (BODY_METHODS.has(r.method) && entry.body === undefined) failures.push(`${r.method} ${r.url}: the table says nothing about its body (a schema, a raw body or "none")`);
    if (entry.body === undefined || entry.body === "none") continue;
    const content = operationOf(r)?.requestBody?.content ?? {};
    const schemas = Object.values(content).map((c) => c.schema);
    if (schemas.length === 0 || schemas.some((s) => !s || Object.keys(s).length === 0)) failures.push(`${r.method} ${r.url}: no request body schema`);
  }
  expect(failures).toEqual([]);
});

it("says who may call each operation: security on every non-public one, none on public ones", () => {
  const failures: string[] = [];
  for (const r of sys.routes.filter(documented)) {
    const op = operationOf(r);
    if (!op) continue; // reported above
    expect(op["x-helpkey-access"], `${r.method} ${r.url}`).toEqual(effective(r));
    if (r.access === "public" && op.security?.length !== 0) failures.push(`${r.method} ${r.url} is public but asks for ${JSON.stringify(op.security)}`);
    if (r.access !== "public" && !(op.security ?? []).some((s) => "adminToken" in s) && !(op.security ?? []).some((s) => "session" in s)) {
      failures.push(`${r.method} ${r.url} is for ${r.access.join(", ")} but names no security`);
    }
  }
  expect(failures).toEqual([]);
  // the description carries it for people, too
  const users = doc.paths["/api/users"]!.post as Operation & { description: string };
  expect(users.description).toContain("Roles: admin.");
  expect((doc.paths["/healthz"]!.get as Operation & { description: string }).description).toContain("Public");
});

it("serves the docs page and its files without credentials; only the docs' own routes were made public for it", async () => {
  for (const path of ["/docs", "/docs/static/swagger-initializer.js", "/docs/static/swagger-ui-bundle.js", "/docs/yaml"]) {
    const r = await rawRequest(sys.httpUrl, { method: "GET", path });
    expect(r.status, path).toBe(200);
  }
  expect((await rawRequest(sys.httpUrl, { method: "GET", path: "/docs" })).text).toContain("swagger");
  expect(sys.routes.filter((r) => r.url.startsWith("/docs")).every((r) => r.access === "public")).toBe(true);
  // a path that merely starts like the docs is not theirs: it still needs credentials
  expect((await rawRequest(sys.httpUrl, { method: "GET", path: "/docsx" })).status).toBe(401);
});

it("leaves validation to the handlers: a bad body or query gets our error, not Fastify's", async () => {
  const post = await rawRequest(sys.httpUrl, {
    method: "POST", path: "/api/users", headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ username: 5, name: "x", password: "long enough password", role: "dispatcher" }),
  });
  expect(post.status).toBe(400);
  expect(JSON.parse(post.text)).toEqual({ error: { code: "HK_BAD_REQUEST", message: expect.any(String), field: "username" } });
  // an existing household's id as a string: a coercing validator would turn it into the number and provision a device
  const home = await createHousehold(sys.api, { contacts: [] });
  const device = await rawRequest(sys.httpUrl, {
    method: "POST", path: "/api/devices", headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify({ householdId: String(home.householdId), type: "button" }),
  });
  expect(device.status).toBe(400);
  expect(JSON.parse(device.text).error).toMatchObject({ code: "HK_BAD_REQUEST", field: "householdId" });
  const query = await rawRequest(sys.httpUrl, { method: "GET", path: "/api/alerts?limit=abc", headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(query.status).toBe(400);
  expect(JSON.parse(query.text).error).toMatchObject({ code: "HK_BAD_REQUEST", field: "limit" });
});
