/**
 * Twilio's REST error shape `{code, message, more_info, status}` (Twilio's REST API docs, "Errors"): the
 * SDK turns it into a RestException with these fields, so the gateway's retry logic sees what it would
 * see from Twilio.
 */
import type { FastifyReply } from "fastify";

export interface TwilioError {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export function twilioError(status: number, code: number, message: string): TwilioError {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

export const apiErrors = {
  authenticate: () => twilioError(401, 20003, "Authenticate"),
  notFound: (path: string) => twilioError(404, 20404, `The requested resource ${path} was not found`),
  tooManyRequests: () => twilioError(429, 20429, "Too Many Requests"),
  unavailable: (status: number) => twilioError(status, 20500, "Service Unavailable"),
  missingTo: () => twilioError(400, 21604, "A 'To' phone number is required."),
  invalidTo: (to: string) => twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`),
  missingFrom: () => twilioError(400, 21603, "A 'From' phone number is required."),
  invalidService: (sid: string) => twilioError(400, 21705, `The Messaging Service Sid ${sid} is invalid.`),
  invalidFrom: (from: string) => twilioError(400, 21212, `The 'From' number ${from} is not a valid phone number.`),
  missingBody: () => twilioError(400, 21602, "Message body is required."),
  missingUrl: () => twilioError(400, 21205, "Url parameter is required."),
  invalidUrl: (url: string) => twilioError(400, 21205, `Url is not a valid URL: ${url}`),
  invalidStatus: (status: string) => twilioError(400, 21218, `Invalid value '${status}' for parameter Status.`),
  notInProgress: () => twilioError(400, 21220, "Call is not in-progress. Cannot redirect."),
} as const;

export function sendError(reply: FastifyReply, err: TwilioError): FastifyReply {
  if (err.status === 401) reply.header("www-authenticate", 'Basic realm="Twilio API"');
  return reply.code(err.status).send(err);
}
