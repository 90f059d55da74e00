/**
 * A stand-in for the gateway's Twilio webhooks: records every request with its form params and
 * whether X-Twilio-Signature verifies (twilio.validateRequest), and answers with handler output.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import twilio from "twilio";

export interface Hit {
  path: string;
  method: string;
  params: Record<string, string>;
  validSignature: boolean;
  at: number;
}

export interface WebhookServer {
  url: string;
  hits: Hit[];
  on(path: string, handler: (hit: Hit) => string): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let s = "";
  for await (const chunk of req) s += chunk;
  return s;
}

export async function startWebhookServer(authToken: string): Promise<WebhookServer> {
  const handlers = new Map<string, (hit: Hit) => string>();
  const hits: Hit[] = [];
  let base = "";
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const params = Object.fromEntries(new URLSearchParams(body));
    const url = `${base}${req.url}`;
    const hit: Hit = {
      path: new URL(url).pathname, method: req.method ?? "", params, at: Date.now(),
      validSignature: twilio.validateRequest(authToken, String(req.headers["x-twilio-signature"] ?? ""), url, params),
    };
    hits.push(hit);
    const handler = handlers.get(hit.path);
    const out = handler ? handler(hit) : "";
    res.writeHead(200, { "content-type": out.startsWith("<") ? "text/xml" : "text/plain" }).end(out);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    hits,
    on: (path, handler) => void handlers.set(path, handler),
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
