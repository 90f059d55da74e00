/**
 * `POST …/Calls.json` (start a call), `GET …/Calls/{sid}.json`, and `POST …/Calls/{sid}.json` with
 * Status=canceled|completed (the gateway cancels calls that are no longer needed) or Url/Twiml.
 */
import { maskPhone } from "@helpkey/shared";
import type { FastifyInstance } from "fastify";
import { CallSimulation } from "./call-simulation";
import { apiErrors, sendError } from "./errors";
import { E164, formOf, isHttpUrl, many, method, one } from "./form";
import type { NetworkState } from "./network-state";
import { callJson, newSid } from "./resources";
import type { RecordedCall } from "./types";

/** Twilio's default ring timeout; it accepts up to 600 s. */
const DEFAULT_TIMEOUT_S = 60;

export function callsRoute(api: FastifyInstance, net: NetworkState): void {
  api.post("/Calls.json", async (req, reply) => {
    const f = formOf(req.body);
    const to = one(f, "To");
    const from = one(f, "From");
    const url = one(f, "Url");
    const twiml = one(f, "Twiml");
    if (!to) return sendError(reply, apiErrors.missingTo());
    if (!E164.test(to) || net.person(to).invalid) return sendError(reply, apiErrors.invalidTo(to));
    if (!from) return sendError(reply, apiErrors.missingFrom());
    if (!E164.test(from)) return sendError(reply, apiErrors.invalidFrom(from));
    if (!url && !twiml) return sendError(reply, apiErrors.missingUrl());
    for (const u of [url, one(f, "StatusCallback"), one(f, "AsyncAmdStatusCallback")]) {
      if (u && !isHttpUrl(u)) return sendError(reply, apiErrors.invalidUrl(u));
    }
    const timeout = Number(one(f, "Timeout") ?? DEFAULT_TIMEOUT_S);
    // Twilio also accepts the events space-separated in one value.
    const events = many(f, "StatusCallbackEvent").flatMap((e) => e.split(/[\s,]+/)).filter(Boolean);
    const opt = (key: string, name: string) => (one(f, key) ? { [name]: one(f, key) } : {});
    const call: RecordedCall = {
      sid: newSid("CA"), to, from, method: method(one(f, "Method")),
      statusCallbackMethod: method(one(f, "StatusCallbackMethod")),
      asyncAmd: one(f, "AsyncAmd") === "true",
      asyncAmdStatusCallbackMethod: method(one(f, "AsyncAmdStatusCallbackMethod")),
      timeoutS: Number.isFinite(timeout) ? Math.min(600, Math.max(1, timeout)) : DEFAULT_TIMEOUT_S,
      status: "queued", statuses: ["queued"], said: [], speech: [], at: Date.now(),
      ...opt("Url", "url"), ...opt("Twiml", "twiml"), ...opt("StatusCallback", "statusCallback"),
      ...opt("MachineDetection", "machineDetection"), ...opt("AsyncAmdStatusCallback", "asyncAmdStatusCallback"),
      ...(events.length ? { statusCallbackEvent: events } : {}),
    };
    net.calls.push(call);
    net.log.info({ sid: call.sid, to: maskPhone(to) }, "call");
    net.events.emit("call", call);
    const sim = new CallSimulation(net, call);
    net.live.set(call.sid, sim);
    sim.start();
    return reply.code(201).send(callJson(net.config.accountSid, call));
  });

  api.get<{ Params: { sid: string } }>("/Calls/:sid.json", async (req, reply) => {
    const call = net.calls.find((c) => c.sid === req.params.sid);
    if (!call) return sendError(reply, apiErrors.notFound(req.url));
    return callJson(net.config.accountSid, call);
  });

  api.post<{ Params: { sid: string } }>("/Calls/:sid.json", async (req, reply) => {
    const call = net.calls.find((c) => c.sid === req.params.sid);
    if (!call) return sendError(reply, apiErrors.notFound(req.url));
    const f = formOf(req.body);
    const status = one(f, "Status");
    const url = one(f, "Url");
    const twiml = one(f, "Twiml");
    if (status !== undefined && status !== "canceled" && status !== "completed") return sendError(reply, apiErrors.invalidStatus(status));
    if (url && !isHttpUrl(url)) return sendError(reply, apiErrors.invalidUrl(url));
    const live = net.live.get(call.sid);
    if (status) {
      live?.hangUp(status); // a call that already ended stays as it is, as on Twilio
    } else if (url || twiml) {
      const redirected = live?.redirect(twiml ? { xml: twiml } : { url: url!, method: method(one(f, "Method")) }) ?? false;
      if (!redirected) return sendError(reply, apiErrors.notInProgress());
    }
    return callJson(net.config.accountSid, call);
  });
}
