/**
 * The API's OpenAPI document at `GET /docs/json` (and `/docs/yaml`) and Swagger UI over it at
 * `GET /docs`, all public. Installed before the routes, so the document collects every route
 * registered after it; it is built on the first request, once the app is ready.
 */
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { DOCS_PREFIX, documentRoute, isDocsRoute, securitySchemes, withoutHead } from "./operation-doc";

const DESCRIPTION = [
  "The helpkey gateway's HTTP API. JSON over HTTP; every body and query is parsed with the zod schemas shown here.",
  "Credentials: the admin token (`Authorization: Bearer <token>`) or a console session cookie from `POST /api/session`. "
    + "Each operation says who may call it (`x-helpkey-access`: `public` or the roles). Without credentials a non-public route answers 401, even a path that does not exist.",
  "Errors are `{error: {code, message, field?}}` with a proper status; `HK_BAD_REQUEST` names the field that failed.",
  "Lists answer a JSON array, one page at a time: `limit` and an opaque `cursor`; the header `x-next-cursor` is set while more rows follow.",
].join("\n\n");

export async function installOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: { title: "helpkey", version: "1", description: DESCRIPTION },
      components: { securitySchemes: securitySchemes as never },
    },
    transform: documentRoute,
    transformObject: withoutHead,
  });
  // Its own scope: the access below applies to Swagger UI's routes (the page, its files, the document) and no others.
  await app.register(async (docs) => {
    docs.addHook("onRoute", (route) => {
      if (isDocsRoute(route.url)) route.config = { ...route.config, access: "public" };
    });
    await docs.register(swaggerUi, { routePrefix: DOCS_PREFIX, staticCSP: true });
  });
}
