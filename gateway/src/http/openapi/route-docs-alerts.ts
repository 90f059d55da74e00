/** The alarm side's routes in the OpenAPI document: alerts, the console socket, boards, patrol, resident card, TV, service requests. */
import {
  actionBodySchema, alertListQuerySchema, alertNoteBodySchema, consoleQuerySchema, createGridSchema, createGridWorkerSchema, createPatrolMemberSchema,
  doorCodeBodySchema, doorCodeRevealSchema, gridListQuerySchema, idParamSchema, patchGridSchema, patchPatrolMemberSchema, patrolRosterQuerySchema,
  resolveBodySchema, serviceCategoriesBodySchema, tvMessageBodySchema, tvMessageListQuerySchema,
} from "@helpkey/shared";
import { historyQuerySchema } from "../../board/history";
import { deviceQuerySchema, outboxQuerySchema, scopeQuerySchema } from "../board-routes";
import { consoleActions, type ConsoleAction } from "../../engine/alert-engine";
import { dispatchPatrolSchema, responderParamsSchema, responderResolveSchema } from "../../users/roles";
import type { RouteDoc, RouteDocs } from "./route-doc";

const alerts = ["Alerts"];
const boards = ["Boards"];
const patrol = ["Patrol"];
const card = ["Resident card"];
const tv = ["TV messages"];
const service = ["Service requests"];

const actionSummary: Record<ConsoleAction, string> = {
  acknowledge: "Acknowledge an alert (the centre has seen it)",
  dispatch: "Mark an alert as someone sent",
  arrive: "Mark that help has arrived",
  resolve: "Resolve an alert with its outcome",
  cancel: "Cancel an alert",
};

/** One route per console action, as the handlers are registered: from the engine's list. */
function actionDocs(): Record<string, RouteDoc> {
  const docs: Record<string, RouteDoc> = {};
  for (const action of consoleActions) {
    docs[`POST /api/alerts/:id/${action}`] = {
      summary: actionSummary[action], tags: alerts, params: idParamSchema, body: action === "resolve" ? resolveBodySchema : actionBodySchema,
      response: "the alert", description: "A transition the alert's state forbids is 409 `HK_ILLEGAL_TRANSITION`. A session acts under its own name (`by` is ignored).",
    };
  }
  return docs;
}

export const alertDocs: RouteDocs = {
  "GET /api/alerts": {
    summary: "List alerts, newest first", tags: alerts, querystring: alertListQuerySchema, response: "alerts the caller sees",
    description: "One page; `limit` (1–500, default 100) and `cursor` walk to older alerts; the header `x-next-cursor` is set while more follow.",
  },
  "GET /api/alerts/:id": {
    summary: "Read an alert with its household, audit trail and notifications", tags: alerts, params: idParamSchema,
    response: "the alert, its household's notes and contacts, its events and every notification's timeline",
  },
  "POST /api/alerts/:id/note": {
    summary: "Add a note to an alert", tags: alerts, params: idParamSchema, body: alertNoteBodySchema, response: "the alert",
    description: "At any state, closed alerts too; audited as `alert.noted`.",
  },
  "POST /api/alerts/:id/real": {
    summary: "Say a drill alarm is real", tags: alerts, params: idParamSchema, body: actionBodySchema, response: "the alert, out of its drill",
    description: "For an alarm raised while its community ran a drill. It leaves the drill (`alert.real`); a family the drill left out is texted at once, and while nobody has it the call waves start again from the first. 409 for an alarm that is no drill's or is closed.",
  },
  ...actionDocs(),
  "GET /api/console": {
    summary: "The console's live feed (WebSocket)", tags: alerts, querystring: consoleQuerySchema,
    status: 101, response: "the WebSocket: a snapshot, or exactly the events after `since`, then live events",
    description: "Open it as a WebSocket (`Upgrade: websocket`); a plain GET is 404. Frames are `consoleFrameSchema` of the shared package. "
      + "Close codes: 1001 server stopping, 1013 too slow (reconnect with `since`), 4001 credentials revoked. The admin token may come as `?token=` here only.",
  },

  "GET /api/board/devices": {
    summary: "Device health board, with counts", tags: boards, querystring: deviceQuerySchema, response: "`{counts, devices}`: online, offline, low battery, never seen",
  },
  "GET /api/board/buildings": {
    summary: "Building board: units as grids of households", tags: boards, querystring: scopeQuerySchema, response: "buildings with their units' household cells",
  },
  "GET /api/board/history": { summary: "Search the alarm history", tags: boards, querystring: historyQuerySchema, response: "alerts, newest first" },
  "GET /api/board/pulse": {
    summary: "The newest event number the caller may see", tags: boards, response: "`{n}`",
    description: "A console compares it with its socket's to notice a silently dead socket.",
  },
  "GET /api/board/outbox": {
    summary: "The outbox per channel: waiting, sending, time to send", tags: boards, querystring: outboxQuerySchema, response: "`{at, channels}`",
  },
  "GET /api/board/alerts/:id/report": { summary: "An alert's incident report", tags: boards, params: idParamSchema, response: "the report (also the alert page's data)" },

  "GET /api/patrol": { summary: "A community's patrol roster", tags: patrol, querystring: patrolRosterQuerySchema, response: "patrol members", description: "Paged by id (`limit`, `cursor`, `x-next-cursor`)." },
  "POST /api/patrol": {
    summary: "Add a patrol member", tags: patrol, body: createPatrolMemberSchema, status: 201, response: "the member",
    description: "The phone is read in the community's country and stored as E.164. Audited.",
  },
  "PATCH /api/patrol/:id": { summary: "Change a patrol member", tags: patrol, params: idParamSchema, body: patchPatrolMemberSchema, response: "the member", description: "Audited." },
  "DELETE /api/patrol/:id": { summary: "Retire a patrol member", tags: patrol, params: idParamSchema, status: 204, description: "Their responder links stop working. Audited." },
  "POST /api/alerts/:id/dispatch-patrol": {
    summary: "Send a patrol member to an alert", tags: patrol, params: idParamSchema, body: dispatchPatrolSchema, status: 201, response: "the dispatch",
    description: "Texts the member the address and a signed, expiring responder link.",
  },
  "GET /api/alerts/:id/dispatches": { summary: "An alert's patrol dispatches", tags: patrol, params: idParamSchema, response: "dispatches" },
  "GET /api/responder/:token": {
    summary: "The responder page's data", tags: patrol, params: responderParamsSchema.pick({ token: true }), response: "the alert as the responder sees it",
    description: "The link's token is the credential: 401 `HK_BAD_SIGNATURE` for a bad link; 410 once it expired, the alert closed or the member was retired.",
  },
  "POST /api/responder/:token/:step": {
    summary: "A responder's step: on the way, arrived, resolved", tags: patrol, params: responderParamsSchema, body: responderResolveSchema,
    response: "the responder view after the step", description: "The body is read for `resolved` only. The link's token is the credential (401 / 410 as above); 409 for a step the alert's state forbids.",
  },

  "GET /api/households/:id/card": {
    summary: "The resident card", tags: card, params: idParamSchema,
    response: "residents, contacts with `hasKey`, the patrol on duty, the centre, whether a door code is set (never the code)",
  },
  "POST /api/households/:id/door-code": {
    summary: "Reveal a household's door code", tags: card, params: idParamSchema, body: doorCodeRevealSchema, response: "`{doorCode}` (`Cache-Control: no-store`)",
    description: "Every call is audited with the caller and the alert.",
  },
  "GET /api/households/:id/door-code-reveals": { summary: "Who revealed the door code, when, for which alert", tags: card, params: idParamSchema, response: "reveals" },
  "PUT /api/households/:id/door-code": { summary: "Set a household's door code", tags: card, params: idParamSchema, body: doorCodeBodySchema, status: 204 },
  "DELETE /api/households/:id/door-code": { summary: "Clear a household's door code", tags: card, params: idParamSchema, status: 204 },

  "POST /api/households/:id/tv-messages": {
    summary: "Show a message on a household's TV", tags: tv, params: idParamSchema, body: tvMessageBodySchema, status: 201, response: "`{messages}`",
    description: "A flat with no set-top box records `no_device`.",
  },
  "POST /api/buildings/:id/tv-messages": {
    summary: "Show a message on every TV of a building", tags: tv, params: idParamSchema, body: tvMessageBodySchema, status: 201, response: "`{messages}`",
  },
  "GET /api/tv-messages": {
    summary: "TV messages, newest first, with what became of each", tags: tv, querystring: tvMessageListQuerySchema, response: "messages: sent, shown, dismissed or no_device",
  },

  "GET /api/communities/:id/service-categories": {
    summary: "A community's service request categories", tags: service, params: idParamSchema, response: "`{communityId, configured, categories}` (the defaults when none are configured)",
  },
  "PUT /api/communities/:id/service-categories": {
    summary: "Replace a community's service request categories", tags: service, params: idParamSchema, body: serviceCategoriesBodySchema,
    response: "`{communityId, configured, categories}`", description: "The set-top boxes' menus follow.",
  },
  "POST /api/grids": {
    summary: "Create a grid (网格) of buildings, units or households", tags: service, body: createGridSchema, status: 201, response: "the grid",
    description: "A place belongs to one grid at most (409).",
  },
  "GET /api/grids": { summary: "List grids", tags: service, querystring: gridListQuerySchema, response: "grids with their members and workers" },
  "GET /api/grids/:id": { summary: "Read a grid", tags: service, params: idParamSchema, response: "the grid with its members and workers" },
  "PATCH /api/grids/:id": { summary: "Change a grid", tags: service, params: idParamSchema, body: patchGridSchema, response: "the grid", description: "Replaces each member list it names." },
  "DELETE /api/grids/:id": { summary: "Delete a grid and its workers", tags: service, params: idParamSchema, status: 204 },
  "POST /api/grids/:id/workers": {
    summary: "Add a grid worker (网格员)", tags: service, params: idParamSchema, body: createGridWorkerSchema, status: 201, response: "the worker",
    description: "Texted for service requests and welfare checks.",
  },
  "DELETE /api/grid-workers/:id": { summary: "Remove a grid worker", tags: service, params: idParamSchema, status: 204 },
};
