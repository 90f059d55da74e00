/**
 * HTTP exactly as written: fetch() normalises paths (`/./`, `%2e`, `..`) before sending, so tests of
 * what the server does with odd paths, and of source addresses, use node:http directly.
 */
import { request } from "node:http";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function rawRequest(baseUrl: string, o: { method: string; path: string; headers?: Record<string, string>; body?: string; localAddress?: string }): Promise<RawResponse> {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, method: o.method, path: o.path, localAddress: o.localAddress, agent: false, headers: { ...(o.body !== undefined ? { "content-type": "application/json" } : {}), ...o.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(o.body);
  });
}

/** Logs in over HTTP (from `localAddress` when given); the session cookie to send back, or the refusal. */
export async function loginRaw(baseUrl: string, username: string, password: string, localAddress?: string): Promise<RawResponse & { cookie: string | null }> {
  const r = await rawRequest(baseUrl, { method: "POST", path: "/api/session", body: JSON.stringify({ username, password }), ...(localAddress ? { localAddress } : {}) });
  const set = r.headers["set-cookie"];
  const first = Array.isArray(set) ? set[0] : set;
  return { ...r, cookie: r.status === 200 && first ? first.split(";")[0]! : null };
}
