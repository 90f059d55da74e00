/** Reading Twilio-style form bodies: @fastify/formbody turns repeated keys into arrays. */
export type Form = Record<string, string | string[] | undefined>;

export function formOf(body: unknown): Form {
  return body && typeof body === "object" ? (body as Form) : {};
}

/** The first value of a key; empty strings count as absent. */
export function one(form: Form, key: string): string | undefined {
  const v = form[key];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === "" ? undefined : s;
}

/** Every value of a repeated key such as StatusCallbackEvent. */
export function many(form: Form, key: string): string[] {
  const v = form[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export const method = (s: string | undefined): "GET" | "POST" => (s?.toUpperCase() === "GET" ? "GET" : "POST");

/** E.164, as the gateway stores contacts (shared/src/http.ts phoneSchema). */
export const E164 = /^\+[1-9]\d{6,14}$/;

export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}
