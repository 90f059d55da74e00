/**
 * `POST …/Messages.json` and `GET …/Messages/{sid}.json`, validated like Twilio validates them. The
 * sender is a From number or a Messaging Service (MessagingServiceSid); no rate is enforced: Twilio
 * queues what a sender cannot send at once instead of refusing it.
 */
import { maskPhone } from "@helpkey/shared";
import type { FastifyInstance } from "fastify";
import { apiErrors, sendError } from "./errors";
import { E164, formOf, isHttpUrl, one } from "./form";
import type { NetworkState } from "./network-state";
import { messageJson, newSid } from "./resources";
import { deliverSms } from "./sms-delivery";
import type { RecordedMessage } from "./types";

export function messagesRoute(api: FastifyInstance, net: NetworkState): void {
  api.post("/Messages.json", async (req, reply) => {
    const f = formOf(req.body);
    const to = one(f, "To");
    // a Messaging Service picks the sender from its pool (Twilio: MessagingServiceSid instead of, or beside, From)
    const service = one(f, "MessagingServiceSid");
    const from = one(f, "From") ?? service;
    const body = one(f, "Body");
    const statusCallback = one(f, "StatusCallback");
    const validity = one(f, "ValidityPeriod");
    if (!to) return sendError(reply, apiErrors.missingTo());
    if (!E164.test(to) || net.person(to).invalid) return sendError(reply, apiErrors.invalidTo(to));
    if (service !== undefined && !/^MG[0-9a-f]{32}$/i.test(service)) return sendError(reply, apiErrors.invalidService(service));
    if (!from) return sendError(reply, apiErrors.missingFrom());
    if (!body) return sendError(reply, apiErrors.missingBody());
    if (statusCallback && !isHttpUrl(statusCallback)) return sendError(reply, apiErrors.invalidUrl(statusCallback));
    const m: RecordedMessage = {
      sid: newSid("SM"), to, from, body, status: service ? "accepted" : "queued", at: Date.now(),
      ...(service ? { messagingServiceSid: service } : {}),
      ...(validity ? { validityPeriod: Number(validity) } : {}),
      ...(statusCallback ? { statusCallback } : {}),
    };
    net.messages.push(m);
    net.log.info({ sid: m.sid, to: maskPhone(to) }, "sms");
    net.log.debug({ sid: m.sid, to, body }, "sms body");
    net.events.emit("message", m);
    deliverSms(net, m);
    return reply.code(201).send(messageJson(net.config.accountSid, m));
  });

  api.get<{ Params: { sid: string } }>("/Messages/:sid.json", async (req, reply) => {
    const m = net.messages.find((x) => x.sid === req.params.sid);
    if (!m) return sendError(reply, apiErrors.notFound(req.url));
    return messageJson(net.config.accountSid, m);
  });
}
