/**
 * The TV in a browser: the page (`GET /`), its script, the screen as JSON (`GET /state.json`), the
 * screen live as Server-Sent Events (`GET /events`, HTML Living Standard §9.2) and the remote's keys
 * (`POST /key {key, holdMs?}`). Keys are accepted only as application/json, which a page of another
 * origin cannot send without a CORS preflight this server never grants.
 */
import { HOST_REFUSED, hostAllowed } from "../host-check";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { stbKeys, type StbKey } from "./screen";
import { tvPageHtml, TV_PAGE_SCRIPT } from "./tv-page";
import type { StbLang, TvState } from "./view";

/** Browsers watching one TV; more are refused (each holds a socket open). */
const MAX_WATCHERS = 16;
const MAX_BODY_BYTES = 1024;

const keyBodySchema = z.object({ key: z.enum(stbKeys), holdMs: z.number().min(0).max(600_000).optional() });

export const TV_ERRORS = {
  badKey: "SIM_TV_BAD_KEY",
  notJson: "SIM_TV_NOT_JSON",
  tooLarge: "SIM_TV_TOO_LARGE",
  notFound: "SIM_TV_NOT_FOUND",
  busy: "SIM_TV_BUSY",
  badHost: "SIM_TV_BAD_HOST",
} as const;

export interface TvServerOptions {
  host: string;
  port: number;
  lang: StbLang;
  state(): TvState;
  key(key: StbKey, holdMs: number): void;
}

export interface TvServer {
  url: string;
  /** The screen changed: every watching page gets the new state. */
  push(): void;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": type });
  res.end(body);
}

const fail = (res: ServerResponse, status: number, code: string, message: string) =>
  send(res, status, "application/json; charset=utf-8", JSON.stringify({ error: { code, message } }));

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      // over the limit: the rest is read and dropped; the answer closes the connection
      if (size > MAX_BODY_BYTES) resolve(null);
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startTvServer(o: TvServerOptions): Promise<TvServer> {
  const watchers = new Set<ServerResponse>();
  const html = tvPageHtml(o.lang);

  async function postKey(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) return fail(res, 415, TV_ERRORS.notJson, "send the key as application/json");
    const raw = await readBody(req);
    if (raw === null) {
      res.setHeader("connection", "close");
      return fail(res, 413, TV_ERRORS.tooLarge, `body over ${MAX_BODY_BYTES} bytes`);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return fail(res, 400, TV_ERRORS.badKey, "body is not JSON");
    }
    const body = keyBodySchema.safeParse(json);
    if (!body.success) return fail(res, 400, TV_ERRORS.badKey, `expected {key: ${stbKeys.join("|")}, holdMs?: number}`);
    o.key(body.data.key, body.data.holdMs ?? 0);
    send(res, 200, "application/json; charset=utf-8", JSON.stringify(o.state()));
  }

  function watch(req: IncomingMessage, res: ServerResponse): void {
    if (watchers.size >= MAX_WATCHERS) return fail(res, 503, TV_ERRORS.busy, `at most ${MAX_WATCHERS} pages may watch this TV`);
    res.writeHead(200, { ...SECURITY_HEADERS, "content-type": "text/event-stream; charset=utf-8", connection: "keep-alive" });
    res.write(`data: ${JSON.stringify(o.state())}\n\n`);
    watchers.add(res);
    req.on("close", () => watchers.delete(res));
  }

  const server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host)) return fail(res, 421, TV_ERRORS.badHost, HOST_REFUSED);
    const path = new URL(req.url ?? "/", "http://tv").pathname;
    if (req.method === "GET" && path === "/") return send(res, 200, "text/html; charset=utf-8", html);
    if (req.method === "GET" && path === "/tv.js") return send(res, 200, "text/javascript; charset=utf-8", TV_PAGE_SCRIPT);
    if (req.method === "GET" && path === "/state.json") return send(res, 200, "application/json; charset=utf-8", JSON.stringify(o.state()));
    if (req.method === "GET" && path === "/events") return watch(req, res);
    if (req.method === "POST" && path === "/key") {
      return void postKey(req, res).catch(() => {
        if (!res.headersSent) fail(res, 400, TV_ERRORS.badKey, "could not read the body");
      });
    }
    fail(res, 404, TV_ERRORS.notFound, `${req.method} ${path}: no such page`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(":") ? `[${address}]` : address}:${port}/`;
  let closing: Promise<void> | undefined;
  return {
    url,
    push() {
      if (watchers.size === 0) return;
      const frame = `data: ${JSON.stringify(o.state())}\n\n`;
      for (const w of watchers) w.write(frame);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const w of watchers) w.end();
        watchers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
