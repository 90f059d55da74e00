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
  /** Still unclaimed (open) this long after the first press: the alert goes up to the district console, with sound. */
  districtEscalationS: z.number().int().min(1).max(7200).default(180),
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
  /**
   * Device supervision: the MQTT keepalive each device is given (`cmd config`, at most 2/3 of its
   * window so the broker notices a dead link within it); a device offline for its window (its own
   * `supervisionS`, else `windowS`; `closeWindowS` is the console's close watch) raises a technical
   * alert; its grid workers are texted `smsAfterS` later unless it cleared or was acknowledged;
   * a battery below `lowBatteryPct` percent is low.
   */
  supervision: z.object({
    keepaliveS: z.number().int().min(1).max(3600).default(60),
    windowS: z.number().int().min(1).max(86_400).default(90),
    closeWindowS: z.number().int().min(1).max(3600).default(20),
    smsAfterS: z.number().int().min(0).max(86_400).default(600),
    lowBatteryPct: z.number().int().min(1).max(100).default(20),
  }).default({ keepaliveS: 60, windowS: 90, closeWindowS: 20, smsAfterS: 600, lowBatteryPct: 20 }),
  /**
   * What a drill's report holds each alarm to, counted from the press: the device's ack and the
   * alarm on the console (ms), the first call placed, someone claiming it (going, or a dispatcher's
   * acknowledge), someone on site (s).
   */
  targets: z.object({
    ackMs: z.number().int().min(1).max(60_000).default(1000),
    consoleMs: z.number().int().min(1).max(60_000).default(1000),
    firstCallS: z.number().int().min(1).max(3600).default(30),
    claimS: z.number().int().min(1).max(7200).default(180),
    arrivalS: z.number().int().min(1).max(86_400).default(900),
  }).default({ ackMs: 1000, consoleMs: 1000, firstCallS: 30, claimS: 180, arrivalS: 900 }),
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
