/**
 * HTTP inputs every body-taking route must refuse with a 4xx and the `{error: {code}}` body,
 * generated with fast-check from the routes the gateway serves (`sys.routes`) and their documented
 * body schemas (/docs/json). Each input is invalid by construction, so that none may change the store:
 * - routes with path parameters get ids that name nothing (or are no ids at all), whatever the body;
 * - routes without get bodies that cannot pass: JSON that does not parse, JSON that is no object,
 *   objects whose every documented field has the wrong type, bodies over the size limit.
 * Bodies carry huge strings, unusual Unicode and prototype-pollution keys (`__proto__`, `constructor`).
 */
import fc from "fast-check";
import { rawRequest, type RawResponse } from "./raw-http";

export interface RouteTarget {
  method: string;
  url: string;
  params: string[];
  /** Documented JSON properties and their types (none documented: no typed mutation is possible). */
  props: Record<string, string>;
}

export interface HttpInput {
  kind: string;
  method: string;
  path: string;
  contentType: string;
  body: string;
}

interface OpenApi {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema?: { properties?: Record<string, { type?: string }> } }> } }>>;
}

/** Every POST, PUT and PATCH route, with what its documentation says of its JSON body. */
export function routeTargets(routes: readonly { method: string; url: string; websocket: boolean }[], doc: OpenApi): RouteTarget[] {
  return routes
    .filter((r) => ["POST", "PUT", "PATCH"].includes(r.method) && !r.websocket)
    .map((r) => {
      const op = doc.paths[r.url.replace(/:([A-Za-z0-9_]+)/g, "{$1}")]?.[r.method.toLowerCase()];
      const properties = op?.requestBody?.content["application/json"]?.schema?.properties ?? {};
      const props = Object.fromEntries(Object.entries(properties).filter(([, p]) => typeof p.type === "string").map(([k, p]) => [k, p.type!]));
      return { method: r.method, url: r.url, params: [...r.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!), props };
    });
}

const oddText = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("\u0000", "\ud800", "\udfff\ud800", "\u202e\u202d", "👩‍👩‍👧‍👦".repeat(50), "ｆｕｌｌ", "İı", "\r\n\r\n", "' OR 1=1 --", "<script>alert(1)</script>", "${7*7}", "%00%2e%2e%2f"),
  fc.nat({ max: 60_000 }).map((n) => "長".repeat(n)),
);

/** A value that is not of JSON type `type`: never null (a nullable field takes it), never a numeric string (a coercing field takes it). */
function wrongFor(type: string): fc.Arbitrary<unknown> {
  const text = oddText.filter((v) => v.trim() !== "" && Number.isNaN(Number(v)));
  const kinds: Record<string, fc.Arbitrary<unknown>> = {
    string: text,
    integer: fc.oneof(fc.integer(), fc.constantFrom(2 ** 60, -1, 0)),
    fraction: fc.constantFrom(1.5, -0.5, 1e-9),
    boolean: fc.boolean(),
    array: fc.array(fc.oneof(fc.integer(), oddText), { maxLength: 5 }),
    object: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), oddText), { maxKeys: 4 }),
  };
  const wrong: Record<string, string[]> = {
    string: ["integer", "fraction", "boolean", "array", "object"],
    integer: ["string", "fraction", "boolean", "array", "object"],
    number: ["string", "boolean", "array", "object"],
    boolean: ["string", "integer", "array", "object"],
    array: ["string", "integer", "boolean", "object"],
    object: ["string", "integer", "boolean", "array"],
  };
  return fc.oneof(...(wrong[type] ?? ["array", "object"]).map((k) => kinds[k]!));
}

/** Keys that would pollute a prototype if copied naively, as raw JSON text (JSON.stringify cannot write an own `__proto__`). */
const POLLUTION = ['"__proto__":{"polluted":"yes","isAdmin":true}', '"constructor":{"prototype":{"polluted":"yes"}}', '"prototype":{"polluted":"yes"}'];

function objectText(fields: [string, unknown][], pollute: number[]): string {
  const parts = fields.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? "null"}`);
  for (const p of pollute) parts.splice(p % (parts.length + 1), 0, POLLUTION[p % POLLUTION.length]!);
  return `{${parts.join(",")}}`;
}

const brokenJson = fc.oneof(
  fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1)) + (j.length > 1 ? "" : "{")),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")),
  fc.constantFrom("", "{", '{"a":1,}', "{'a':1}", "NaN", "{\"a\":undefined}", "\ufeff{}x", '{"a":"\\u12"}', "[".repeat(10_000), "{\"a\":1}{\"b\":2}"),
);
const notAnObject = fc.oneof(fc.array(fc.jsonValue(), { maxLength: 4 }), fc.integer(), fc.string(), fc.constant(null), fc.boolean()).map((v) => JSON.stringify(v));

function bodyArb(t: RouteTarget): fc.Arbitrary<{ kind: string; body: string; contentType: string }> {
  const json = "application/json";
  const typed = Object.entries(t.props);
  const wrongTyped = typed.length
    ? fc.tuple(fc.tuple(...typed.map(([k, type]) => wrongFor(type).map((v) => [k, v] as [string, unknown]))), fc.array(fc.tuple(oddText, oddText), { maxLength: 3 }), fc.array(fc.nat(), { maxLength: 3 }))
      .map(([fields, extra, pollute]) => ({ kind: "wrong types", body: objectText([...fields, ...extra], pollute), contentType: json }))
    : null;
  const options: fc.Arbitrary<{ kind: string; body: string; contentType: string }>[] = [
    brokenJson.map((body) => ({ kind: "broken json", body, contentType: json })),
    fc.nat({ max: 3 }).map((n) => ({ kind: "over the size limit", body: JSON.stringify({ name: "x".repeat(300 * 1024 * (n + 1)) }), contentType: json })),
  ];
  if (t.params.length || Object.keys(t.props).length) options.push(notAnObject.map((body) => ({ kind: "not an object", body, contentType: json })));
  if (wrongTyped) options.push(wrongTyped, wrongTyped);
  // only where an id names nothing: a form or text body that happened to parse still reaches no record
  if (t.params.length) {
    options.push(fc.tuple(oddText, oddText).map(([a, b]) => ({ kind: "form body", body: `${percentEncoded(a)}=${percentEncoded(b)}&name=x`, contentType: "application/x-www-form-urlencoded" })));
    options.push(oddText.map((body) => ({ kind: "text body", body, contentType: "text/plain" })));
  }
  return fc.oneof(...options);
}

/** A path parameter that names nothing, or is no id at all. */
const paramArb = fc.oneof(
  fc.constantFrom("999999999", "0", "-1", "0x1", "1e3", "01", "abc", "__proto__", "constructor", "%00", "%2e%2e", "1%20", "99999999999999999999999"),
  fc.string({ unit: "binary", minLength: 1, maxLength: 20 }).map(percentEncoded),
);

/** Every byte of the UTF-8 text (lone surrogates become U+FFFD) as %XX, as a client that encodes everything sends it. */
function percentEncoded(s: string): string {
  return [...Buffer.from(s, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
}

/** `count` inputs over `targets` from `seed`, every target at least once when count allows. */
export function httpInputs(targets: RouteTarget[], count: number, seed: number): HttpInput[] {
  const arb = fc.constantFrom(...targets).chain((t) =>
    fc.tuple(bodyArb(t), fc.array(paramArb, { minLength: t.params.length, maxLength: t.params.length })).map(([b, ps]) => ({
      kind: b.kind, method: t.method, contentType: b.contentType, body: b.body,
      path: t.params.reduce((url, name, i) => url.replace(`:${name}`, ps[i] === "" ? "x" : ps[i]!), t.url),
    })),
  );
  return fc.sample(arb, { numRuns: count, seed });
}

/** Sends each input (`concurrency` at a time) with the admin token; the answers in input order. */
export async function sendHttpInputs(baseUrl: string, token: string, inputs: HttpInput[], concurrency: number): Promise<RawResponse[]> {
  const answers = new Array<RawResponse>(inputs.length);
  let next = 0;
  const lane = async () => {
    while (next < inputs.length) {
      const i = next++;
      const input = inputs[i]!;
      answers[i] = await rawRequest(baseUrl, { method: input.method, path: input.path, body: input.body, headers: { "content-type": input.contentType, authorization: `Bearer ${token}` } }).catch((err: Error) => ({ status: 0, headers: {}, text: err.message }));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return answers;
}

/** Why an answer is not a 4xx with `{error: {code: "HK_…"}}`, or null. */
export function answerFault(r: RawResponse): string | null {
  if (r.status < 400 || r.status > 499) return `status ${r.status}`;
  try {
    const code = (JSON.parse(r.text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === "string" && code.startsWith("HK_") ? null : `no error code: ${r.text.slice(0, 200)}`;
  } catch {
    return `not JSON: ${r.text.slice(0, 200)}`;
  }
}
