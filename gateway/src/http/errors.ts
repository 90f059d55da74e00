/** Errors that leave over HTTP: `{error: {code, message, field?}}` with a proper status. */
import type { FastifyError, FastifyInstance } from "fastify";
import type { z } from "zod";
import { ErrorCodes, type ErrorBody, type ErrorCode, type PhoneHint } from "@helpkey/shared";

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: ErrorCode, message: string, readonly field?: string, readonly phone?: PhoneHint) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, ErrorCodes.NOT_FOUND, `${what} not found`);

/** Parses untrusted input with a shared zod schema; a failure is a 400 naming the field. */
export function parse<T extends z.ZodType>(schema: T, data: unknown): z.infer<T> {
  const r = schema.safeParse(data ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join(".");
  throw new HttpError(400, ErrorCodes.BAD_REQUEST, field ? `${field}: ${issue.message}` : issue.message, field || undefined);
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    if (err instanceof HttpError) {
      const body: ErrorBody = { error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), ...(err.phone ? { phone: err.phone } : {}) } };
      return reply.status(err.status).send(body);
    }
    const status = err.statusCode ?? 500;
    if (status >= 500) req.log.error({ err }, "request failed");
    const code = status === 404 ? ErrorCodes.NOT_FOUND : status < 500 ? ErrorCodes.BAD_REQUEST : ErrorCodes.INTERNAL;
    return reply.status(status).send({ error: { code, message: status >= 500 ? "internal error" : err.message } } satisfies ErrorBody);
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: { code: ErrorCodes.NOT_FOUND, message: `no route ${req.method} ${req.url.split("?")[0]}` } } satisfies ErrorBody));
}
