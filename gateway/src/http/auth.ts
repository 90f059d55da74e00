/**
 * `/api` needs the admin token (`Authorization: Bearer <token>`, or `?token=` on the console
 * WebSocket where browsers cannot set headers). Dispatcher sessions are the console issue's.
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { ErrorCodes } from "@helpkey/shared";
import { tokenDigest } from "../devices/secret-hash";
import { HttpError } from "./errors";

export interface Principal {
  name: string;
  /** null = every community. */
  communityIds: number[] | null;
}

export function createAuth(adminTokenDigest: string) {
  const expected = Buffer.from(adminTokenDigest, "hex");
  return function authenticate(req: FastifyRequest): Principal {
    const header = req.headers.authorization;
    const fromQuery = (req.query as { token?: unknown } | undefined)?.token;
    const token = header?.startsWith("Bearer ") ? header.slice(7).trim() : typeof fromQuery === "string" ? fromQuery : undefined;
    if (!token) throw new HttpError(401, ErrorCodes.UNAUTHORIZED, "missing credentials: send Authorization: Bearer <admin token>");
    const got = Buffer.from(tokenDigest(token), "hex");
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw new HttpError(401, ErrorCodes.UNAUTHORIZED, "invalid token");
    return { name: "admin", communityIds: null };
  };
}
export type Authenticate = ReturnType<typeof createAuth>;
