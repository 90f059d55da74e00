/** The hk CLI's plumbing: exit codes, usage errors, parseArgs wrapped, numbers and lists from flags. */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** Exit codes of every `pnpm hk` command (also in `pnpm hk --help`). */
export const EXIT = {
  ok: 0,
  /** The server refused the request (bad rows, a record that exists, a field it rejects). */
  refused: 1,
  /** Bad arguments, an unreadable file: nothing was sent. */
  usage: 2,
  /** The gateway cannot be reached, refused the token, or failed. */
  unreachable: 3,
} as const;

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Flags every command takes. */
const commonOptions = {
  url: { type: "string" },
  token: { type: "string" },
  lang: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** parseArgs in strict mode (an unknown flag is an error), its errors as UsageError. */
export function parse<O extends Options>(args: string[], options: O, positionals = 0) {
  let r;
  try {
    r = parseArgs({ args, options: { ...commonOptions, ...options }, strict: true, allowPositionals: positionals > 0 });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (r.positionals.length > positionals) throw new UsageError(`unexpected argument "${r.positionals[positionals]}"`);
  return r;
}

/** A positive whole number from a flag (an id, a count). */
export function positiveInt(value: string | undefined, flag: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(value) || Number(value) > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max}; got "${value}"`);
  return Number(value);
}

export function required<T>(value: T | undefined, flag: string, what: string): T {
  if (value === undefined) throw new UsageError(`${flag} is required: ${what}`);
  return value;
}

/** "1,2,3" → [1, 2, 3]. */
export function idList(value: string | undefined, flag: string): number[] {
  if (value === undefined || value.trim() === "") return [];
  return value.split(",").map((s) => positiveInt(s.trim(), flag)!);
}

export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string, dflt: T): T {
  if (value === undefined) return dflt;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(", ")}; got "${value}"`);
}

/**
 * Progress on stderr for work that may take more than a second: nothing for quick work, then at
 * most a line a second (rewritten in place on a terminal).
 */
export function progress(): { update(text: string): void; done(): void } {
  const started = Date.now();
  const tty = process.stderr.isTTY;
  let last = 0;
  let shown = false;
  return {
    update(text) {
      const now = Date.now();
      if (now - started < 1000 || now - last < (tty ? 100 : 1000)) return;
      last = now;
      shown = true;
      process.stderr.write(tty ? `\r\x1b[2K${text}` : `${text}\n`);
    },
    done() {
      if (shown && tty) process.stderr.write("\n");
    },
  };
}

/** Waits for `work`, saying on stderr that it is still going when it takes more than a second. */
export async function withProgress<T>(work: Promise<T>, label: (seconds: number) => string): Promise<T> {
  const p = progress();
  const t0 = Date.now();
  const timer = setInterval(() => p.update(label(Math.round((Date.now() - t0) / 1000))), 250);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    p.done();
  }
}
