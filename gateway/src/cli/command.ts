/** What every hk command is given: its messages and a way to reach the gateway. */
import type { ApiClient } from "./api-client";
import type { Messages } from "./messages";

export interface CommandContext {
  m: Messages;
  /** The gateway, at --url / --token or their variables (made only when a command calls it: --help needs neither). */
  connect(flags: { url?: string | undefined; token?: string | undefined }): ApiClient;
}

export type Command = (args: string[], ctx: CommandContext) => Promise<number>;

/** A command with subcommands (`community create`): the first word picks one; none or --help shows the group's help. */
export function group(help: (ctx: CommandContext) => string, subcommands: Record<string, Command>): Command {
  return async (args, ctx) => {
    const [sub, ...rest] = args;
    if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
      (sub === undefined ? process.stderr : process.stdout).write(`${help(ctx)}\n`);
      return sub === undefined ? 2 : 0;
    }
    const run = subcommands[sub];
    if (!run) {
      process.stderr.write(`${ctx.m.unknownCommand(sub)}\n${help(ctx)}\n`);
      return 2;
    }
    return run(rest, ctx);
  };
}
