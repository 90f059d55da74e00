/**
 * Twilio webhooks under /twilio. Every request must carry
 * a valid X-Twilio-Signature for HK_PUBLIC_URL + path and its form parameters; otherwise 403 and no
 * state change. Handlers are idempotent (Twilio retries callbacks).
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import twilio from "twilio";
import { z } from "zod";
import { ErrorCodes, idParamSchema } from "@helpkey/shared";
import { callStatus, keyPress, machineResult, smsReply, smsStatus } from "../alerts/call-flow";
import { factsOf } from "../alerts/notify-plan";
import type { Effects } from "../alerts/effects";
import type { AppDeps } from "../http/app-deps";
import { HttpError, parse } from "../http/errors";
import { decideConfirm } from "../engine/arrival";
import { isTerminal } from "../engine/alert-engine";
import { getAlert } from "../store/alerts";
import { getNotification } from "../store/notifications";
import { texts } from "./texts";
import { hangUpTwiml, promptTwiml, sayAndHangUp } from "./twiml";

const form = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
const callStatusBody = z.object({ CallStatus: z.string(), CallSid: z.string().optional() });
const amdBody = z.object({ AnsweredBy: z.string() });
const gatherBody = z.object({ Digits: z.string().default("") });
const smsStatusBody = z.object({ MessageStatus: z.string().optional(), SmsStatus: z.string().optional() });
const inboundBody = z.object({ From: z.string(), Body: z.string().default("") });

/**
 * The provider signs the URL we gave it, HK_PUBLIC_URL + path: one HMAC for that URL first. The SDK's
 * validateRequest tries the URL without its port before the URL as given (then four encoded
 * variants), two HMACs and four URL parses per callback on the thread that acks. It still decides
 * whenever the exact URL does not match, so a proxy that adds or drops the port is accepted.
 */
export function validTwilioSignature(authToken: string, signature: string, url: string, params: Record<string, string | string[]>): boolean {
  const expected = Buffer.from(twilio.getExpectedTwilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
  return twilio.validateRequest(authToken, signature, url, params);
}

/** Public: the provider has no session; every request proves itself with its signature instead. */
const signed = { config: { access: "public" as const } };

export function twilioRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { ctx, twilio: tw } = deps;

  function verify(req: FastifyRequest): Record<string, string | string[]> {
    const params = parse(form, req.body ?? {});
    const signature = req.headers["x-twilio-signature"];
    const url = `${tw.publicUrl}${req.url}`;
    if (typeof signature !== "string" || !validTwilioSignature(tw.authToken, signature, url, params)) {
      req.log.warn({ path: req.url.split("?")[0] }, "twilio webhook with a bad signature refused");
      throw new HttpError(403, ErrorCodes.BAD_SIGNATURE, "invalid X-Twilio-Signature");
    }
    return params;
  }

  /** In the turn's group commit with every other callback (store/write-batch.ts); effects after it. */
  async function run<T extends { effects: Effects } | Effects>(fn: () => T): Promise<T> {
    const r = await ctx.writes.run(fn);
    deps.dispatch("effects" in r ? r.effects : r);
    return r;
  }

  const xml = (reply: FastifyReply, body: string) => reply.type("text/xml").send(body);

  app.post("/twilio/voice/:id", signed, async (req, reply) => {
    verify(req);
    const { id } = parse(idParamSchema, req.params);
    const row = getNotification(ctx.db, id);
    // a row without an alert (a fault's text) is never a call: nothing to say
    const alert = row && row.alertId !== null ? getAlert(ctx.db, row.alertId) : undefined;
    const info = alert && ctx.dir.get(alert.householdId);
    if (!row || !alert || !info) return xml(reply, hangUpTwiml());
    const lang = row.language;
    const gatherUrl = `${tw.publicUrl}/twilio/gather/${id}`;
    if (row.purpose === "confirm") {
      // asked whether they are with her: only while that is still the question
      if (decideConfirm(alert, row.createdAt, "1") === "ignore") return xml(reply, sayAndHangUp(texts.confirmSettled(lang), lang));
      const claimedAt = alert.goingAt ?? alert.acknowledgedAt ?? row.createdAt;
      return xml(reply, promptTwiml(texts.confirmPrompt(factsOf(alert, info), claimedAt, lang), lang, gatherUrl, texts.callNoInput(lang)));
    }
    if (alert.state !== "open") {
      const text = isTerminal(alert.state) ? texts.callClosed(lang)
        : alert.goingBy ? texts.callAlreadyClaimed(alert.goingBy, lang)
        : alert.acknowledgedBy ? texts.callCentreHandling(alert.acknowledgedBy, lang) : texts.callClosed(lang);
      return xml(reply, sayAndHangUp(text, lang));
    }
    return xml(reply, promptTwiml(texts.callPrompt(factsOf(alert, info), lang), lang, gatherUrl, texts.callNoInput(lang)));
  });

  app.post("/twilio/gather/:id", signed, async (req, reply) => {
    const { Digits } = parse(gatherBody, verify(req));
    const { id } = parse(idParamSchema, req.params);
    const r = await run(() => keyPress(ctx, id, Digits.slice(0, 1), deps.now()));
    const lang = getNotification(ctx.db, id)?.language ?? "zh-CN";
    req.log.info({ notificationId: id, digit: Digits.slice(0, 1), reply: r.reply }, "key pressed");
    if (r.reply === "claimed") return xml(reply, sayAndHangUp(texts.callClaimed(lang), lang));
    if (r.reply === "already" && r.by) return xml(reply, sayAndHangUp(texts.callAlreadyClaimed(r.by, lang), lang));
    if (r.reply === "passed") return xml(reply, sayAndHangUp(texts.callPassed(lang), lang));
    if (r.reply === "arrived") return xml(reply, sayAndHangUp(texts.confirmArrived(lang), lang));
    if (r.reply === "declined") return xml(reply, sayAndHangUp(texts.confirmDeclined(lang), lang));
    if (r.reply === "settled") return xml(reply, sayAndHangUp(texts.confirmSettled(lang), lang));
    if (r.reply === "closed") return xml(reply, sayAndHangUp(texts.callClosed(lang), lang));
    return xml(reply, sayAndHangUp(texts.callNoInput(lang), lang));
  });

  app.post("/twilio/call-status/:id", signed, async (req, reply) => {
    const b = parse(callStatusBody, verify(req));
    const { id } = parse(idParamSchema, req.params);
    await run(() => callStatus(ctx, id, b.CallStatus, b.CallSid, deps.now()));
    return reply.status(204).send();
  });

  app.post("/twilio/amd/:id", signed, async (req, reply) => {
    const b = parse(amdBody, verify(req));
    const { id } = parse(idParamSchema, req.params);
    await run(() => machineResult(ctx, id, b.AnsweredBy, deps.now()));
    return reply.status(204).send();
  });

  app.post("/twilio/sms-status/:id", signed, async (req, reply) => {
    const b = parse(smsStatusBody, verify(req));
    const { id } = parse(idParamSchema, req.params);
    const status = b.MessageStatus ?? b.SmsStatus;
    if (status) await run(() => smsStatus(ctx, id, status, deps.now()));
    return reply.status(204).send();
  });

  app.post("/twilio/sms-inbound", signed, async (req, reply) => {
    const b = parse(inboundBody, verify(req));
    const r = await run(() => smsReply(ctx, b.From, b.Body, deps.now()));
    req.log.info({ reply: r.reply }, "inbound sms");
    // An empty TwiML answer: no auto-reply. The claim's texts tell everyone; a question ("which
    // alarm?") is an outbox row like every other text, so it is retried and shown on the console.
    return xml(reply, new twilio.twiml.MessagingResponse().toString());
  });
}
