/**
 * New device secrets and their hashes at device cost, on the hash pool: the device's first CONNECT is
 * then as cheap as its hundredth. A full hash queue is a 503 with Retry-After, nothing stored.
 */
import { randomBytes } from "node:crypto";
import type { FastifyReply } from "fastify";
import { ErrorCodes, type DeviceType } from "@helpkey/shared";
import { HashPoolBusyError, type HashPool } from "../devices/hash-pool";
import { hashDeviceSecret, newSecret } from "../devices/secret-hash";
import { HttpError } from "./errors";

/** A new device's id: its type's prefix and 40 random bits. */
export function newDeviceId(type: DeviceType): string {
  return `${type === "button" ? "btn" : "stb"}-${randomBytes(5).toString("hex")}`;
}

export interface IssuedSecret {
  secret: string;
  secretHash: string;
}

/**
 * Hashes posted to the pool at a time by one bulk call: the device lane is shared with CONNECT
 * checks, and a reconnecting device should never wait behind a whole building's provisioning.
 */
const BULK_SLICE = 32;

function busy(reply: FastifyReply): HttpError {
  reply.header("retry-after", 2);
  return new HttpError(503, ErrorCodes.BUSY, "too many secrets being checked right now: try again in a few seconds");
}

export async function issueSecret(derive: HashPool["derive"], reply: FastifyReply): Promise<IssuedSecret> {
  const [one] = await issueSecrets(derive, 1, reply);
  return one!;
}

/** A new secret that a spreadsheet shows as it is: one opening with "-" (a formula to Excel) is drawn again. */
function sheetSafeSecret(): string {
  for (;;) {
    const s = newSecret();
    if (!s.startsWith("-")) return s;
  }
}

/** `count` new secrets, hashed a slice at a time. */
export async function issueSecrets(derive: HashPool["derive"], count: number, reply: FastifyReply): Promise<IssuedSecret[]> {
  const out: IssuedSecret[] = [];
  try {
    while (out.length < count) {
      const n = Math.min(BULK_SLICE, count - out.length);
      out.push(...(await Promise.all(Array.from({ length: n }, async () => {
        const secret = sheetSafeSecret();
        return { secret, secretHash: await hashDeviceSecret(secret, derive) };
      }))));
    }
  } catch (err) {
    if (err instanceof HashPoolBusyError) throw busy(reply);
    throw err;
  }
  return out;
}
