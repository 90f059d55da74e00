/**
 * `pnpm hk <command>`: administer a running gateway over its HTTP API (community, import, devices,
 * users, admin-token). Exit codes are in cli-kit.ts (EXIT): 0 ok, 1 refused, 2 usage, 3 unreachable.
 */
import { adminTokenCommand } from "./admin-token-command";
import { ApiError, apiClient, Unreachable } from "./api-client";
import { backupCommand, restoreCommand } from "./backup-command";
import { cliEnv } from "./cli-env";
import { EXIT, UsageError } from "./cli-kit";
import type { Command, CommandContext } from "./command";
import { communityCommand } from "./community-command";
import { devicesCommand } from "./devices-command";
import { importCommand } from "./import-command";
import { langFrom, messages, type Messages } from "./messages";
import { usersCommand } from "./users-command";

const commands: Record<string, Command> = {
  community: communityCommand,
  import: importCommand,
  devices: devicesCommand,
  users: usersCommand,
  "admin-token": adminTokenCommand,
  // on this machine's data directory, not over the API
  backup: backupCommand,
  restore: restoreCommand,
};

/** --lang is read here, so it may stand anywhere on the line. */
function withoutLang(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--lang") i++;
    else if (!argv[i]!.startsWith("--lang=")) out.push(argv[i]!);
  }
  return out;
}

/** What the person sees when a request fails, and the exit code it earns. */
function failure(err: unknown, m: Messages, url: string): { text: string; code: number } {
  if (err instanceof Unreachable) return { text: m.unreachable(url, err.message), code: EXIT.unreachable };
  if (err instanceof ApiError) {
    if (err.status === 401 || err.status === 403) return { text: m.unauthorized(url), code: EXIT.unreachable };
    if (err.status >= 500) return { text: m.serverFailed(err.status, err.message), code: EXIT.unreachable };
    return { text: m.refused(err.status, err.code, err.message, err.field), code: EXIT.refused };
  }
  throw err;
}

async function main(argv: string[]): Promise<number> {
  const m = messages(langFrom(argv));
  const [command, ...rest] = withoutLang(argv);
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    (command ? process.stdout : process.stderr).write(`${m.help.top}\n`);
    return command ? EXIT.ok : EXIT.usage;
  }
  const run = commands[command];
  if (!run) {
    process.stderr.write(`${m.unknownCommand(command)}\n`);
    return EXIT.usage;
  }
  let url = "";
  const ctx: CommandContext = {
    m,
    connect(flags) {
      const env = cliEnv();
      url = flags.url ?? env.url;
      if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new UsageError(`--url "${url}" is not an http:// or https:// URL`);
      const token = flags.token ?? env.token;
      if (!token) throw new UsageError(m.noToken);
      return apiClient(url, token);
    },
  };
  try {
    return await run(rest, ctx);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${m.usageError(err.message, command)}\n`);
      return EXIT.usage;
    }
    const f = failure(err, m, url);
    process.stderr.write(`${f.text}\n`);
    return f.code;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`error: ${err.stack ?? err.message}\n`);
    process.exit(EXIT.unreachable);
  },
);
