/**
 * Notification policy; defaults, overridable per community
 * (`policy` on a community). Short timings are allowed for drills and tests.
 */
import { z } from "zod";

/** A local clock time, "HH:MM" (24 h). */
export const clockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time of day as HH:MM, 00:00-23:59");
/** A daily window of local time; `to` before `from` crosses midnight; `from` equal to `to` is the whole day. */
export const dailyWindowSchema = z.object({ from: clockTimeSchema, to: clockTimeSchema });
export type DailyWindow = z.infer<typeof dailyWindowSchema>;

export const policySchema = z.object({
  /** A cancel from the device within this window withdraws the alarm. */
  cancelWindowS: z.number().int().min(0).max(120).default(10),
  /** How long one call rings before it counts as no answer. */
  ringTimeoutS: z.number().int().min(1).max(120).default(25),
  /** Time without a claim before the next wave is called. */
  waveTimeoutS: z.number().int().min(1).max(600).default(60),
  /** Unclaimed this long: the community's supervisor is called as well. */
  supervisorAfterS: z.number().int().min(1).max(3600).default(120),
  /** Alarm SMS validity (Twilio ValidityPeriod); a stale alarm text helps nobody. */
  smsValidityS: z.number().int().min(60).max(600).default(600),
  /** Rounds of the cascade before it stops calling (the console keeps sounding). */
  maxRounds: z.number().int().min(1).max(20).default(5),
  /** A claimed or acknowledged alert with nobody on site this long comes back: console, claimer, cascade. */
  arrivalTimeoutS: z.number().int().min(10).max(7200).default(1200),
  /** The community's time zone (IANA): every time a person reads or hears is in it. */
  timeZone: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "timeZone must be an IANA time zone, e.g. Asia/Shanghai")
    .default("Asia/Shanghai"),
  /** Service texts (service requests, welfare checks) wait until these end; emergencies ignore them. null: none. */
  quietHours: dailyWindowSchema.nullable().default({ from: "22:00", to: "07:00" }),
  /**
   * Welfare checks of households marked as living alone: no sign of life for `spanH` hours, counted
   * in waking hours only, raises one check; `includeFamily` texts the household's contacts as well.
   * Fractions of an hour are allowed for drills and tests.
   */
  welfare: z.object({
    spanH: z.number().positive().max(168).default(24),
    wakingHours: dailyWindowSchema.default({ from: "07:00", to: "22:00" }),
    includeFamily: z.boolean().default(false),
  }).default({ spanH: 24, wakingHours: { from: "07:00", to: "22:00" }, includeFamily: false }),
});
export type Policy = z.infer<typeof policySchema>;

export const defaultPolicy: Policy = Object.freeze(policySchema.parse({}));

/** The community's stored overrides (JSON text or null) merged over the defaults. */
export function policyFrom(json: string | null | undefined): Policy {
  if (!json) return defaultPolicy;
  try {
    return policySchema.parse(JSON.parse(json));
  } catch {
    return defaultPolicy;
  }
}
