/** Device supervision's routes in the OpenAPI document: technical alerts, self-tests, close watch. */
import { actionBodySchema, deviceIdParamSchema, idParamSchema } from "@helpkey/shared";
import { faultListQuerySchema, supervisionBodySchema } from "@helpkey/shared/supervision";
import type { RouteDocs } from "./route-doc";

const supervision = ["Supervision"];
const PAGED = "One page, as a JSON array, newest first; `limit` (1–500, default 100) and `cursor`; the header `x-next-cursor` is set while more rows follow.";

export const supervisionDocs: RouteDocs = {
  "GET /api/faults": {
    summary: "Technical alerts: devices offline past their window, low batteries, failed self-tests", tags: supervision, querystring: faultListQuerySchema,
    response: "faults, each with its device, place, since when, who acknowledged it and its grid workers' texts",
    description: `\`state=open\` (the default) lists the faults not cleared yet, \`all\` every one. Only the caller's communities. ${PAGED}`,
  },
  "POST /api/faults/:id/acknowledge": {
    summary: "Acknowledge a technical alert", tags: supervision, params: idParamSchema, body: actionBodySchema, response: "the fault",
    description: "Its grid workers' text, if not sent yet, is not sent. 409 `HK_CONFLICT` when it is cleared or acknowledged already; audited in the event log.",
  },
  "POST /api/devices/:id/selftest": {
    summary: "Ask a device to test itself", tags: supervision, params: deviceIdParamSchema, body: "none", status: 202, response: "`{deviceId, askedAt}`",
    description: "Sends `cmd selftest`; the result comes back in the device's next status and shows on the device board with its time (a failure raises a technical alert). 409 `HK_CONFLICT` while the device is offline.",
  },
  "PATCH /api/devices/:id/supervision": {
    summary: "Set a device's own supervision window (close watch), or go back to the community's", tags: supervision, params: deviceIdParamSchema, body: supervisionBodySchema,
    response: "`{id, supervisionS, windowS, keepaliveS}`",
    description: "`supervisionS` in seconds (the community's `closeWindowS`, 20 by default, is the console's close watch), or null for the community's `windowS`. The device is sent its new keepalive at once and uses it from its next connection. Supervisors and admins; audited.",
  },
};
