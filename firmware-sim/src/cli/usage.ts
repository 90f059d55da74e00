/** CLI plumbing shared by the subcommands: exit codes, usage errors, parseArgs wrapped. */
import { readFileSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";

/** Exit codes of every firmware-sim command (documented in `pnpm sim --help`). */
export const EXIT = {
  ok: 0,
  /** No ack (or no connection) within --timeout. */
  timeout: 1,
  /** Bad arguments or an unreadable --credentials / --people file. */
  usage: 2,
  /** The broker refused the device, or the device cannot run (bad state file, server cannot listen). */
  refused: 3,
} as const;

export class UsageError extends Error {
  readonly code = "SIM_USAGE";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs in strict mode, its errors turned into UsageError (exit 2). */
export function parse<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string, dflt: T): T {
  if (value === undefined) return dflt;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(", ")}; got "${value}"`);
}

/** The text of the file a flag names; an unreadable one is a usage error (exit 2). */
export function fileText(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    return readFileSync(value, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${flag} ${value}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function positiveNumber(value: string | undefined, flag: string, dflt: number): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number; got "${value}"`);
  return n;
}

export function port(value: string | undefined, dflt: number): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be 0-65535; got "${value}"`);
  return n;
}
