/**
 * Phone numbers as people type them ("138 0013 8000", "+86 138-0013-8000", "(555) 010-0199"),
 * read in the community's numbering plan and stored as E.164, the only form providers dial.
 */
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string };

/** `region` is an ISO 3166 code ("CN", "US"): the plan for numbers typed without a country prefix. */
export function normalizePhone(input: string, region: string): PhoneResult {
  const raw = input.trim();
  if (raw === "") return { ok: false, reason: "empty" };
  if (raw.length > 40) return { ok: false, reason: "too long" };
  const parsed = parsePhoneNumberFromString(raw, region.toUpperCase() as CountryCode);
  if (!parsed) return { ok: false, reason: `not a phone number in ${region.toUpperCase()}` };
  // the emulator's and tests' fiction ranges (555 in North America) are valid in form, not in the plan
  if (!parsed.isValid() && !parsed.isPossible()) return { ok: false, reason: `not a valid number in ${parsed.country ?? region.toUpperCase()}` };
  return { ok: true, e164: parsed.number };
}
