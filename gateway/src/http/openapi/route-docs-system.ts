/** The install's own routes in the OpenAPI document: health, session, admin token, the pages, the phone provider's webhooks. */
import { idParamSchema } from "@helpkey/shared";
import { loginSchema } from "../../users/roles";
import type { RawBody, RouteDoc, RouteDocs } from "./route-doc";

const system = ["System"];
const session = ["Session"];
const pages = ["Pages"];
const twilio = ["Twilio webhooks"];

/** The provider posts its own form; the handler checks the signature over every parameter before reading any. */
const twilioForm: RawBody = {
  mediaTypes: ["application/x-www-form-urlencoded"],
  description: "Twilio's callback parameters (https://www.twilio.com/docs/usage/webhooks), signed in `X-Twilio-Signature`.",
};
const SIGNED = "Called by the phone provider, not by people: no console credential, but the `X-Twilio-Signature` must match `HK_PUBLIC_URL` + the path and the form (403 `HK_BAD_SIGNATURE` otherwise). Idempotent: the provider retries.";

const webhook = (summary: string, extra: Partial<RouteDoc>): RouteDoc => ({ summary, tags: twilio, body: twilioForm, description: SIGNED, ...extra });

export const systemDocs: RouteDocs = {
  "GET /healthz": {
    summary: "Health of the broker, database, workers and phone channel", tags: system,
    response: "`{status: \"ok\", checks, phone}`", description: "200 when all are up, else 503 with `status: \"degraded\"`.",
  },
  "GET /metrics": { summary: "Prometheus metrics", tags: system, produces: "text/plain", response: "Prometheus text", description: "Absent when `HK_METRICS=0`." },
  "GET /api/system": { summary: "The phone channel's status, for the consoles' banner", tags: system, response: "`{phone, phonesPanel}`" },
  "POST /api/admin-token/rotate": {
    summary: "Replace the admin token", tags: system, body: "none", response: "`{token, endedSessions, closedConsoles}`: the new token, shown once",
    description: "The old token stops working at once and every session and console it opened ends. 409 when `HK_ADMIN_TOKEN` sets the token.",
  },

  "POST /api/session": {
    summary: "Log in", tags: session, body: loginSchema, response: "the account; an httpOnly, SameSite=Strict session cookie",
    description: "401 for a wrong username or password, 429 after too many tries (`Retry-After`), 503 when too many logins run at once.",
  },
  "GET /api/session": { summary: "Who am I", tags: session, response: "`{name, role, userId, communityIds, viaSession}`", description: "Renews the session cookie." },
  "DELETE /api/session": { summary: "Log out", tags: session, status: 204, description: "The session ends, and so does every console socket opened with it." },

  "GET /": { summary: "The dispatcher console (a web page)", tags: pages, produces: "text/html", response: "the console", description: "503 with how to build it when the console is not built." },
  "GET /r/:token": { summary: "The responder page (a web page)", tags: pages, produces: "text/html", response: "the page; it reads the token from its path" },

  "POST /twilio/voice/:id": webhook("A notification call was answered: the prompt", { params: idParamSchema, produces: "text/xml", response: "TwiML" }),
  "POST /twilio/gather/:id": webhook("The key the callee pressed", { params: idParamSchema, produces: "text/xml", response: "TwiML" }),
  "POST /twilio/call-status/:id": webhook("A notification call's status changed", { params: idParamSchema, status: 204 }),
  "POST /twilio/amd/:id": webhook("Answering machine detection's result", { params: idParamSchema, status: 204 }),
  "POST /twilio/sms-status/:id": webhook("A notification text's delivery status", { params: idParamSchema, status: 204 }),
  "POST /twilio/sms-inbound": webhook("A text someone sent to the install's number", { produces: "text/xml", response: "an empty TwiML answer" }),
};
