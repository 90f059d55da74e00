/**
 * Record ids and other whole numbers at every entry point, parsed strictly: a JSON body's id is a
 * JSON number that is a positive integer; a path segment or query value is plain decimal digits.
 * `true`, `[1]`, `"0x1"`, `" 1 "`, `"1e3"` and `"01"` are refused, never coerced to a number.
 */
import { z } from "zod";

/** An id in a JSON body: a positive integer, as a JSON number. */
export const idSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Decimal digits of a non-negative integer without leading zeros, within the safe range. */
const digits = (what: string, allowZero: boolean) =>
  z
    .string()
    .regex(allowZero ? /^(0|[1-9][0-9]{0,15})$/ : /^[1-9][0-9]{0,15}$/, `${what} must be ${allowZero ? "a whole number" : "a positive whole number"} in plain digits`)
    .transform(Number)
    .pipe(z.number().max(Number.MAX_SAFE_INTEGER, `${what} is too large`));

/** An id in a path or a query string. */
export const idTextSchema = digits("id", false);

/** A count, a limit or an event number in a query string (0 allowed). */
export const countTextSchema = digits("value", true);

/**
 * The PATCH body of a create schema: every field optional and none defaulted, so a PATCH changes
 * only what it names (a default would silently reset a field the caller never mentioned).
 */
export function patchOf<S extends z.ZodRawShape>(schema: z.ZodObject<S>) {
  const shape: Record<string, z.ZodType> = {};
  for (const [k, v] of Object.entries(schema.shape)) shape[k] = (v instanceof z.ZodDefault ? v.unwrap() : v) as z.ZodType;
  return z.object(shape).partial() as unknown as z.ZodObject<{ [K in keyof S]: z.ZodOptional<S[K] extends z.ZodDefault<infer T> ? T : S[K]> }>;
}

/** A query-string integer within [min, max]. */
export const boundedCountText = (min: number, max: number) => countTextSchema.pipe(z.number().min(min).max(max));
