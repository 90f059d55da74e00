/**
 * The phone numbers a person typed into a body, read in the community's numbering plan and replaced
 * by their E.164 form; a number that is not one is a 400 naming the field, with an example.
 */
import { ErrorCodes, normalizePhone, phoneExample } from "@helpkey/shared";
import { HttpError } from "../http/errors";

/** Returns a copy of `body` whose named phone fields (those present) are E.164. */
export function normalizePhoneFields<T extends object>(body: T, fields: readonly string[], region: string): T {
  const out = { ...body } as Record<string, unknown>;
  for (const field of fields) {
    const typed = out[field];
    if (typeof typed !== "string") continue;
    const r = normalizePhone(typed, region);
    if (!r.ok) {
      const example = phoneExample(region);
      throw new HttpError(400, ErrorCodes.BAD_REQUEST, `${field}: ${r.reason}${example ? ` (e.g. ${example})` : ""}`, field, { region: region.toUpperCase(), example });
    }
    out[field] = r.e164;
  }
  return out as T;
}
